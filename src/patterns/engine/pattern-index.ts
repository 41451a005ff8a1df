/**
 * The index an `EventPatternSet` keeps over the sub-rules of all its patterns, so that matching an
 * event costs about the same whatever the number of patterns: the role of event-ruler's `Machine`,
 * which holds every rule in one structure of field name -> value -> next state and so looks at an
 * event's fields once, however many rules it has.
 *
 * A sub-rule matches only if every one of its fields does, so one field is enough to rule it out.
 * Each sub-rule is filed under one key field: a field whose tests are exact strings or literals,
 * prefixes, suffixes, wildcards with a literal head or tail, or `exists: true`. An event's value at
 * that field then finds, by hash lookups, the only sub-rules filed there that can match: the
 * candidates. A sub-rule with no such field is a candidate for every event. Candidates are decided
 * by the engine's own quick path (`CompiledSubRule.quickOutcome`); what it cannot decide goes to the
 * pattern's own matcher, so every answer is the pattern's own `EventPatternMatcher` answer.
 *
 * The key field of a sub-rule is the one under which an event makes the fewest candidates, as far as
 * the set's own keys tell (`eventName`, with hundreds of values, rather than `source`, with a few that
 * most IAM patterns share; see `KeyGroup.cost`). Sub-rules added later are filed with the statistics of the moment; the whole index is
 * filed again when it has changed more since the last filing than it held then, so the cost of
 * keeping it is constant per added pattern.
 */
import { COMPILE_AFTER, CompiledRules, CompiledSubRule, FAILS, FieldCondition, FieldPath, HOLDS, holdsContainer } from './event-matcher';
import { compileReader, CompiledReader, FOUND, NOTHING, readerCanRead } from './field-path-code';
import { javaBytesView } from './value-patterns';
import { parseWildcard } from './wildcard';

/** A pattern of the index, with its per-event state (owned by the set, read and written here). */
export interface IndexedPattern {
  /** Its place in the set: answers are given in this order. */
  readonly order: number;
  readonly rules: CompiledRules;
  /** Whether a test of the pattern may need a number's spelling (then a sensitive text goes to its matcher). */
  readonly numberSpelling: boolean;
  /** The call of `PatternIndex.visit` that `state` is for. */
  visit: number;
  /** UNSEEN, MATCHED or UNDECIDED in the call `visit`. */
  state: number;
}

export const UNSEEN = 0;
export const MATCHED = 1;
export const UNDECIDED = 2;

/** Keys a field's tests can be found by: every value that can pass the tests has one of them. */
interface FieldKeys {
  /** Exact strings, and the literals `true`, `false` and `null`. */
  readonly exact: readonly unknown[];
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  /** Any value passes (`exists: true`). */
  readonly present: boolean;
  /**
   * Whether a value found by a key passes the field's tests for certain (false when a key is only
   * what a wildcard or a quoted prefix or suffix starts or ends with).
   */
  readonly sure: boolean;
}

/** How many exact keys a prefix or suffix key is taken to be worth (the values it finds). */
const BROAD_KEY_WEIGHT = 4;

/**
 * The keys of a field's tests, or undefined when some test can pass a value no key finds (numbers,
 * `anything-but`, case-insensitive tests, addresses) or the field may be absent.
 */
function fieldKeys(condition: FieldCondition): FieldKeys | undefined {
  if (condition.allowsAbsence || !condition.hasValueTests) {
    return undefined;
  }
  // Prefixes, suffixes and wildcards compare bytes, where event-ruler reads a lone surrogate as '?'
  // on both sides (javaBytesView): a key holding either can pass a value that does not hold it, so
  // such a test is not filed under a key.
  const byteSafe = (key: string) => !key.includes('?') && javaBytesView(key) === key;
  if (condition.patterns.some((p) => (p.kind === 'prefix' || p.kind === 'suffix' || p.kind === 'wildcard') && !byteSafe(p.value))) {
    return undefined;
  }
  const exact: unknown[] = [];
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  let sure = true;
  for (const p of condition.patterns) {
    switch (p.kind) {
      case 'exists':
        // exists: false makes allowsAbsence; exists: true passes every value.
        return { exact: [], prefixes: [], suffixes: [], present: true, sure: true };
      case 'exact-string':
        exact.push(p.value);
        break;
      case 'exact-literal':
        exact.push(p.value);
        break;
      case 'prefix':
        if (p.ignoreCase) return undefined;
        // A prefix ending in a quote also passes the value with its closing quote (value-patterns.ts):
        // both start with the prefix less that quote.
        if (p.value.endsWith('"')) {
          prefixes.push(p.value.slice(0, -1));
          sure = false;
        } else {
          prefixes.push(p.value);
        }
        break;
      case 'suffix':
        if (p.ignoreCase) return undefined;
        if (p.value.startsWith('"')) {
          suffixes.push(p.value.slice(1));
          sure = false;
        } else {
          suffixes.push(p.value);
        }
        break;
      case 'wildcard': {
        // Matching values start with the text before the first star and end with the text after the last.
        const segments = parseWildcard(p.value).segments;
        sure = sure && segments.length === 1;
        if (segments.length === 1) {
          exact.push(segments[0]);
        } else if (segments[0] !== '') {
          prefixes.push(segments[0]);
        } else if (segments[segments.length - 1] !== '') {
          suffixes.push(segments[segments.length - 1]);
        } else {
          return undefined;
        }
        break;
      }
      default:
        return undefined;
    }
  }
  return { exact, prefixes, suffixes, present: false, sure };
}

/** One sub-rule of a pattern, and where it is filed. */
interface Entry {
  readonly pattern: IndexedPattern;
  readonly rule: CompiledSubRule;
  /** The field it is filed under (its group and keys), or undefined when it is a candidate for every event. */
  key: { readonly group: KeyGroup; readonly keys: FieldKeys } | undefined;
  /** The key field, when a value its keys find passes its tests for certain. */
  sureKey: FieldCondition | undefined;
}

/** Adds `entry` to the list at `key`. */
function file<K>(map: Map<K, Entry[]>, key: K, entry: Entry): void {
  const list = map.get(key);
  if (list === undefined) {
    map.set(key, [entry]);
  } else {
    list.push(entry);
  }
}

/** Removes `entry` from the list at `key`. */
function unfile<K>(map: Map<K, Entry[]>, key: K, entry: Entry): void {
  const list = map.get(key);
  const at = list?.indexOf(entry) ?? -1;
  if (at < 0) {
    return;
  }
  list![at] = list![list!.length - 1];
  list!.pop();
  if (list!.length === 0) {
    map.delete(key);
  }
}

function countUp<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function countDown<K>(map: Map<K, number>, key: K): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) {
    map.delete(key);
  } else {
    map.set(key, n);
  }
}

/**
 * Prefixes (or suffixes, read backwards) as a radix tree: each edge holds the run of characters the
 * keys below it share, so that the keys a value starts (or ends) with are found in one walk along it,
 * one map lookup and one `startsWith` (or `endsWith`) per edge walked, allocating nothing.
 */
class AffixTree {
  public readonly root = new AffixNode('', '');

  constructor(public readonly backwards: boolean) {}

  public add(key: string, entry: Entry): void {
    const read = this.reading(key);
    let node = this.root;
    let i = 0;
    for (;;) {
      if (i === read.length) {
        (node.entries ??= []).push(entry);
        return;
      }
      const c = read.charCodeAt(i);
      const child = node.children?.get(c);
      if (child === undefined) {
        const leaf = this.node(read.slice(i));
        leaf.entries = [entry];
        (node.children ??= new Map()).set(c, leaf);
        return;
      }
      const label = child.label;
      let shared = 1;
      while (shared < label.length && i + shared < read.length && label.charCodeAt(shared) === read.charCodeAt(i + shared)) {
        shared++;
      }
      if (shared < label.length) {
        // The key leaves the edge part way: split it there.
        const middle = this.node(label.slice(0, shared));
        this.relabel(child, label.slice(shared));
        middle.children = new Map([[child.label.charCodeAt(0), child]]);
        node.children!.set(c, middle);
        node = middle;
      } else {
        node = child;
      }
      i += shared;
    }
  }

  public remove(key: string, entry: Entry): void {
    const read = this.reading(key);
    const path: AffixNode[] = [this.root];
    let node = this.root;
    let i = 0;
    while (i < read.length) {
      const child = node.children?.get(read.charCodeAt(i));
      if (child === undefined || !read.startsWith(child.label, i)) {
        return;
      }
      i += child.label.length;
      node = child;
      path.push(node);
    }
    const at = node.entries?.indexOf(entry) ?? -1;
    if (at < 0) {
      return;
    }
    node.entries!.splice(at, 1);
    if (node.entries!.length === 0) {
      node.entries = undefined;
    }
    // Drop nodes left with nothing, and join a node that no longer branches with its only child.
    for (let d = path.length - 1; d > 0; d--) {
      const n = path[d];
      const parent = path[d - 1];
      const children = n.children?.size ?? 0;
      if (n.entries === undefined && children === 0) {
        parent.children!.delete(n.label.charCodeAt(0));
        if (parent.children!.size === 0) {
          parent.children = undefined;
        }
      } else if (n.entries === undefined && children === 1) {
        const only = n.children!.values().next().value as AffixNode;
        this.relabel(only, n.label + only.label);
        parent.children!.set(only.label.charCodeAt(0), only);
      } else {
        break;
      }
    }
  }

  public forEach(f: (entry: Entry) => void): void {
    const stack = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      node.entries?.forEach(f);
      node.children?.forEach((child) => stack.push(child));
    }
  }

  /** The key in the order the tree reads it (backwards for suffixes). */
  private reading(key: string): string {
    return this.backwards ? reverse(key) : key;
  }

  private node(label: string): AffixNode {
    return new AffixNode(label, this.backwards ? reverse(label) : label);
  }

  private relabel(node: AffixNode, label: string): void {
    node.label = label;
    node.text = this.backwards ? reverse(label) : label;
  }
}

/** The UTF-16 units of a text in reverse order (the order a suffix tree reads them). */
function reverse(text: string): string {
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) {
    out += text[i];
  }
  return out;
}

class AffixNode {
  public children: Map<number, AffixNode> | undefined;
  public entries: Entry[] | undefined;

  /**
   * @param label the characters of the edge into this node, in the tree's reading order
   * @param text the same characters in the value's order (what `startsWith` or `endsWith` compares)
   */
  constructor(public label: string, public text: string) {}
}

/**
 * Everything filed under one field, as the event is read there: the fields of all patterns that read
 * the same keys (`FieldPath.signature`) share it.
 */
class KeyGroup {
  public readonly exact = new Map<unknown, Entry[]>();
  public readonly prefixes = new AffixTree(false);
  public readonly suffixes = new AffixTree(true);
  public readonly present: Entry[] = [];
  /** Entries filed here. */
  public filed = 0;
  /** How many indexable fields of the set's sub-rules have each key here (filed or not). */
  public readonly exactUses = new Map<unknown, number>();
  public readonly prefixUses = new Map<string, number>();
  public readonly suffixUses = new Map<string, number>();
  public presentUses = 0;
  /** Indexable fields of the set's sub-rules read here. */
  public fields = 0;

  constructor(public readonly signature: string, public readonly path: FieldPath) {}

  public count(keys: FieldKeys, by: 1 | -1): void {
    const change = by > 0 ? countUp : countDown;
    keys.exact.forEach((k) => change(this.exactUses, k));
    keys.prefixes.forEach((k) => change(this.prefixUses, k));
    keys.suffixes.forEach((k) => change(this.suffixUses, k));
    this.presentUses += keys.present ? by : 0;
    this.fields += by;
  }

  /**
   * How many sub-rules an event would make candidates, on average, if filed under these keys: each
   * key's sub-rules times the chance that an event's value has the key. Without knowing the events,
   * a value is taken to be any of the keys the set knows here, or one more, alike; a prefix or suffix
   * as a few of them; a field that is present, as often as not.
   */
  public cost(keys: FieldKeys): number {
    const share = 1 / (this.exactUses.size + this.prefixUses.size + this.suffixUses.size + 1);
    const broad = Math.min(1, BROAD_KEY_WEIGHT * share);
    let cost = keys.present ? this.presentUses / 2 : 0;
    keys.exact.forEach((k) => { cost += share * (this.exactUses.get(k) ?? 0); });
    keys.prefixes.forEach((k) => { cost += broad * (this.prefixUses.get(k) ?? 0); });
    keys.suffixes.forEach((k) => { cost += broad * (this.suffixUses.get(k) ?? 0); });
    return cost;
  }

  public add(entry: Entry, keys: FieldKeys): void {
    if (keys.present) {
      this.present.push(entry);
    }
    keys.exact.forEach((k) => file(this.exact, k, entry));
    keys.prefixes.forEach((k) => this.prefixes.add(k, entry));
    keys.suffixes.forEach((k) => this.suffixes.add(k, entry));
    this.filed++;
  }

  public remove(entry: Entry, keys: FieldKeys): void {
    if (keys.present) {
      this.present.splice(this.present.indexOf(entry), 1);
    }
    keys.exact.forEach((k) => unfile(this.exact, k, entry));
    keys.prefixes.forEach((k) => this.prefixes.remove(k, entry));
    keys.suffixes.forEach((k) => this.suffixes.remove(k, entry));
    this.filed--;
  }

  /** Every entry filed here (for an event whose value here only the exact path can read). */
  public all(): Entry[] {
    const out = new Set<Entry>(this.present);
    this.exact.forEach((list) => list.forEach((e) => out.add(e)));
    this.prefixes.forEach((e) => out.add(e));
    this.suffixes.forEach((e) => out.add(e));
    return Array.from(out);
  }
}

/**
 * Where an event's quick answers are collected, reused from event to event: the first `matchedCount`
 * and `undecidedCount` places of the lists hold this event's (counts, not list lengths, so that
 * emptying them for the next event costs nothing).
 */
export class IndexVisit {
  /** Patterns a sub-rule of which holds, in no particular order. */
  public readonly matched: IndexedPattern[] = [];
  public matchedCount = 0;
  /** Patterns only their matcher can decide (some may be in `matched` too, which wins). */
  public readonly undecided: IndexedPattern[] = [];
  public undecidedCount = 0;

  /** Empties both lists (their places are overwritten by the next event). */
  public clear(): void {
    this.matchedCount = 0;
    this.undecidedCount = 0;
  }

  /** Drops every reference the lists hold (after a pattern is removed from the set). */
  public release(): void {
    this.clear();
    this.matched.length = 0;
    this.undecided.length = 0;
  }
}

/** The sub-rules of a set's patterns, filed by key field. */
export class PatternIndex {
  private readonly groups = new Map<string, KeyGroup>();
  /** Groups with entries filed, for the per-event loop. */
  private filedGroups: KeyGroup[] = [];
  /**
   * The paths of `filedGroups` read in one go (field-path-code.ts), made once `COMPILE_AFTER`
   * events have been visited since they last changed; null when none can be.
   */
  private reader: CompiledReader | null | undefined;
  private visitsSinceChange = 0;
  private readonly everyEvent: Entry[] = [];
  private readonly entries = new Map<IndexedPattern, Entry[]>();
  private entryCount = 0;
  /** Entries added or removed since the whole index was last filed, and how many it held then. */
  private changes = 0;
  private entriesWhenFiled = 0;
  /** Numbers the calls of `visit` (a memo stamp can repeat: the same text matched twice). */
  private visits = 0;

  /** Adds the sub-rules of a pattern. */
  public add(pattern: IndexedPattern): void {
    const entries = pattern.rules.rules.map((rule): Entry => ({ pattern, rule, key: undefined, sureKey: undefined }));
    for (const entry of entries) {
      this.forEachKeyField(entry.rule, (group, keys) => group.count(keys, 1));
    }
    for (const entry of entries) {
      this.fileEntry(entry);
    }
    this.entries.set(pattern, entries);
    this.entryCount += entries.length;
    this.changes += entries.length;
  }

  /** Removes the sub-rules of a pattern. */
  public remove(pattern: IndexedPattern): void {
    const entries = this.entries.get(pattern);
    if (entries === undefined) {
      return;
    }
    for (const entry of entries) {
      this.unfileEntry(entry);
      this.forEachKeyField(entry.rule, (group, keys) => group.count(keys, -1));
    }
    for (const [signature, group] of this.groups) {
      if (group.fields === 0) {
        this.groups.delete(signature);
      }
    }
    this.entries.delete(pattern);
    this.entryCount -= entries.length;
    this.changes += entries.length;
    this.filedGroups = Array.from(this.groups.values()).filter((g) => g.filed > 0);
    this.groupsChanged();
  }

  /**
   * The quick answers of the patterns for an event: each candidate sub-rule decided once, in
   * `visit.matched` the patterns one of whose sub-rules holds, in `visit.undecided` those that need
   * their matcher. A pattern in neither does not match. `stamp` identifies the event (see
   * `CompiledRules.matchQuickly`); `spellingSensitive`: the event is text whose numbers `JSON.parse`
   * may have misread, so a pattern testing numbers is left to its matcher.
   */
  public visit(event: Record<string, unknown>, stamp: number, exactOnSpelling: boolean, spellingSensitive: boolean, visit: IndexVisit): void {
    if (this.changes > this.entriesWhenFiled) {
      this.refile();
    }
    const call = ++this.visits;
    const groups = this.filedGroups;
    let reader = this.reader;
    if (reader === undefined && ++this.visitsSinceChange >= COMPILE_AFTER) {
      reader = this.reader = compileReader(groups.map((g) => g.path).filter(readerCanRead)) ?? null;
    }
    if (reader) {
      // Sets the lookup memo of the paths it reads: their lookUp below answers from it.
      reader(event, stamp, holdsContainer);
    }
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g];
      const found = group.path.lookUp(event, stamp);
      if (found === NOTHING) {
        continue;
      }
      if (found !== FOUND) {
        // Values in arrays of objects, or a name spelled two ways: every sub-rule filed here may match.
        this.decideAll(group.all(), false, event, stamp, call, exactOnSpelling, spellingSensitive, visit);
        continue;
      }
      if (group.present.length > 0) {
        this.decideAll(group.present, true, event, stamp, call, exactOnSpelling, spellingSensitive, visit);
      }
      const value = group.path.value;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          this.decideByValue(group, value[i], event, stamp, call, exactOnSpelling, spellingSensitive, visit);
        }
      } else {
        this.decideByValue(group, value, event, stamp, call, exactOnSpelling, spellingSensitive, visit);
      }
    }
    this.decideAll(this.everyEvent, false, event, stamp, call, exactOnSpelling, spellingSensitive, visit);
  }

  private decideByValue(group: KeyGroup, value: unknown, event: Record<string, unknown>, stamp: number, call: number,
    exactOnSpelling: boolean, spellingSensitive: boolean, visit: IndexVisit): void {
    const exact = group.exact.get(value);
    if (exact !== undefined) {
      this.decideAll(exact, true, event, stamp, call, exactOnSpelling, spellingSensitive, visit);
    }
    if (typeof value === 'string') {
      this.decideByAffix(group.prefixes, value, event, stamp, call, exactOnSpelling, spellingSensitive, visit);
      this.decideByAffix(group.suffixes, value, event, stamp, call, exactOnSpelling, spellingSensitive, visit);
    }
  }

  /** Decides the entries filed under the prefixes (or suffixes) of `value`, walking along it. */
  private decideByAffix(tree: AffixTree, value: string, event: Record<string, unknown>, stamp: number, call: number,
    exactOnSpelling: boolean, spellingSensitive: boolean, visit: IndexVisit): void {
    let node: AffixNode = tree.root;
    const n = value.length;
    const backwards = tree.backwards;
    // `read`: how many characters of the value the walk has passed (from its start, or its end).
    for (let read = 0; ;) {
      if (node.entries !== undefined) {
        this.decideAll(node.entries, true, event, stamp, call, exactOnSpelling, spellingSensitive, visit);
      }
      if (read === n || node.children === undefined) {
        return;
      }
      const child = node.children.get(value.charCodeAt(backwards ? n - 1 - read : read));
      if (child === undefined) {
        return;
      }
      const text = child.text;
      if (backwards ? !value.endsWith(text, n - read) : !value.startsWith(text, read)) {
        return;
      }
      read += text.length;
      node = child;
    }
  }

  /**
   * Decides entries for the event. `byKey`: the event's value was found by a key of each entry, so
   * an entry whose keys are sure has its key field hold without testing it.
   */
  private decideAll(entries: readonly Entry[], byKey: boolean, event: Record<string, unknown>, stamp: number, call: number,
    exactOnSpelling: boolean, spellingSensitive: boolean, visit: IndexVisit): void {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const pattern = entry.pattern;
      if (pattern.visit !== call) {
        pattern.visit = call;
        pattern.state = UNSEEN;
      } else if (pattern.state === MATCHED) {
        continue;
      }
      if (spellingSensitive && pattern.numberSpelling) {
        // As EventPatternMatcher.matches: such a pattern reads the text exactly.
        if (pattern.state !== UNDECIDED) {
          pattern.state = UNDECIDED;
          visit.undecided[visit.undecidedCount++] = pattern;
        }
        continue;
      }
      if (byKey && entry.sureKey !== undefined) {
        // The memo of the key field: what its tests would say of the value the key found.
        entry.sureKey.stamp = stamp;
        entry.sureKey.outcome = HOLDS;
      }
      const outcome = entry.rule.quickOutcome(event, stamp, exactOnSpelling);
      if (outcome === HOLDS) {
        pattern.state = MATCHED;
        visit.matched[visit.matchedCount++] = pattern;
      } else if (outcome !== FAILS && pattern.state !== UNDECIDED) {
        pattern.state = UNDECIDED;
        visit.undecided[visit.undecidedCount++] = pattern;
      }
    }
  }

  /** Calls `f` for each field of the sub-rule that keys can find, with its group (made when new). */
  private forEachKeyField(rule: CompiledSubRule, f: (group: KeyGroup, keys: FieldKeys, condition: FieldCondition) => void): void {
    for (const condition of rule.fields) {
      const keys = fieldKeys(condition);
      if (keys === undefined) {
        continue;
      }
      const signature = condition.path.signature;
      let group = this.groups.get(signature);
      if (group === undefined) {
        group = new KeyGroup(signature, condition.path);
        this.groups.set(signature, group);
      }
      f(group, keys, condition);
    }
  }

  /** Files an entry under its cheapest key field (fewest keys shared, then exact keys, then the deeper field). */
  private fileEntry(entry: Entry): void {
    let best: { group: KeyGroup; keys: FieldKeys; condition: FieldCondition; cost: number; broad: boolean; depth: number; name: string } | undefined;
    this.forEachKeyField(entry.rule, (group, keys, condition) => {
      const cost = group.cost(keys);
      const broad = keys.present || keys.prefixes.length > 0 || keys.suffixes.length > 0;
      const depth = condition.path.segmentCount;
      const better = best === undefined || cost < best.cost || (cost === best.cost && (
        (!broad && best.broad) || (broad === best.broad && (depth > best.depth || (depth === best.depth && condition.name < best.name)))));
      if (better) {
        best = { group, keys, condition, cost, broad, depth, name: condition.name };
      }
    });
    if (best === undefined) {
      entry.key = undefined;
      this.everyEvent.push(entry);
      return;
    }
    entry.key = { group: best.group, keys: best.keys };
    entry.sureKey = best.keys.sure ? best.condition : undefined;
    if (best.group.filed === 0) {
      this.filedGroups.push(best.group);
      this.groupsChanged();
    }
    best.group.add(entry, best.keys);
  }

  private unfileEntry(entry: Entry): void {
    if (entry.key === undefined) {
      const at = this.everyEvent.indexOf(entry);
      this.everyEvent[at] = this.everyEvent[this.everyEvent.length - 1];
      this.everyEvent.pop();
    } else {
      entry.key.group.remove(entry, entry.key.keys);
      entry.key = undefined;
      entry.sureKey = undefined;
    }
  }

  /** After `filedGroups` changed: the reader of their paths is made again, `COMPILE_AFTER` events later. */
  private groupsChanged(): void {
    this.reader = undefined;
    this.visitsSinceChange = 0;
  }

  /** Files every entry again, with the statistics of the whole set. */
  private refile(): void {
    for (const entries of this.entries.values()) {
      entries.forEach((entry) => this.unfileEntry(entry));
    }
    this.filedGroups = [];
    this.groupsChanged();
    for (const entries of this.entries.values()) {
      entries.forEach((entry) => this.fileEntry(entry));
    }
    this.changes = 0;
    this.entriesWhenFiled = this.entryCount;
  }
}
