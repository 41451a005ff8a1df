/**
 * Matching a compiled pattern against an event, as event-ruler 2's `Machine.rulesForJSONEvent` (its
 * default `StructuredFinder`) does for a machine that holds only this pattern.
 *
 * A pattern is a list of sub-rules (one per `$or` combination); it matches when any sub-rule does. A
 * sub-rule is a set of fields (flattened names such as `detail.eventName`), each with a list of tests.
 *
 * Two ways to decide:
 * - Quick: walk the event object along each field's keys. Exact when no value of the sub-rule's fields
 *   sits in an object or array inside an array (and the object was read faithfully, see
 *   event-text-check.ts): such values are compatible with any others, so each field holds or fails on
 *   its own, in any order.
 * - Exact (`RulerEvent` and `matchesExactly`): event-ruler's walk over the fields in name order, with
 *   array memberships, including how its `FieldIndex.getConsistent` narrows a field's values to the
 *   element of the first constrained array (in the membership table's order) the field has values in.
 *
 * Names: event-ruler joins the keys of a path with dots and reads a key only if the machine uses it
 * (`UsedSteps`), so a field `a.b.c` is found under any split of the event's keys into used ones
 * (`a` -> `b` -> `c`, `a.b` -> `c`, `a.b.c`, ...).
 */
import { compileFind, CompiledFind, FOUND, NOTHING, UNDECIDED } from './field-path-code';
import { IntIntMap, NO_VALUE } from './int-int-map';
import { SubRule } from './pattern-compiler';
import { RulerEvent, RulerValue, UsedSteps } from './ruler-event';
import { fieldsInNumericMachines } from './shared-byte-machines';
import { EventScalar, ValuePattern, ValuePredicate, compileValuePredicate, numberSpellingUse } from './value-patterns';

/** Outcomes of a field, or of a sub-rule, on the quick path. */
export const FAILS = 0;
export const HOLDS = 1;
/** Values in arrays or several spellings of the name: only the exact path can decide. */
export const NEEDS_EXACT = 2;

/**
 * Lookups of a path (and events a set visits) before its lookups are made code: compiling costs
 * about as much as a few hundred lookups by the generic walk.
 */
export const COMPILE_AFTER = 64;

/** Interned key reads, paths and conditions: beyond this many, new patterns get their own. */
const MAX_INTERNED = 20000;

/**
 * The same text as an internalized string (the form V8 keeps property names in), so that looking it up
 * as a key does not first search V8's string table on every read.
 */
function asPropertyKey(text: string): string {
  return Object.keys({ [text]: 0 })[0];
}

/** Whether an array holds an object or array (whose values would carry array membership). */
export function holdsContainer(array: unknown[]): boolean {
  for (let i = 0; i < array.length; i++) {
    const el = array[i];
    if (typeof el === 'object' && el !== null) {
      return true;
    }
  }
  return false;
}

function isScalar(v: unknown): v is EventScalar {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || v === null;
}

/**
 * The keys a field name is read through: for each segment index, the used keys that can be looked up
 * there and the segment after each. Interned, so every condition on the same name (whatever its tests,
 * whichever pattern it comes from) shares one lookup per event.
 */
export class FieldPath {
  public readonly segmentCount: number;
  public readonly levelKeys: readonly (readonly string[])[];
  public readonly levelNext: readonly (readonly number[])[];
  /**
   * The keys one segment at a time, when each segment is a used key by itself and no key names an
   * `Object.prototype` member; undefined otherwise.
   */
  public readonly primaryPath: readonly string[] | undefined;
  /** Whether some level also has a dotted key to try (`a.b` besides `a` -> `b`): then every way is tried. */
  public readonly hasDottedKeys: boolean;
  /** Whether some key names an `Object.prototype` member (`constructor`, `__proto__`): own properties only. */
  public readonly guarded: boolean;
  /** Identity of the keys read, for interning. */
  public readonly signature: string;
  /** Lookup memo: `found` (NOTHING, FOUND or UNDECIDED) and `value` are valid for the stamp `stamp`. */
  public stamp = 0;
  public found = NOTHING;
  public value: unknown = undefined;
  /**
   * `find` as code for these keys (field-path-code.ts), made once the path has been looked up
   * `COMPILE_AFTER` times (a path looked up a few times is not worth the compiling); null when it
   * cannot be made.
   */
  private finder: CompiledFind | null | undefined = undefined;
  private lookups = 0;

  constructor(segments: readonly string[], used: UsedSteps) {
    this.segmentCount = segments.length;
    const keys: string[][] = [];
    const next: number[][] = [];
    let guarded = false;
    for (let i = 0; i < segments.length; i++) {
      const levelKeys: string[] = [];
      const levelNext: number[] = [];
      let key = segments[i];
      for (let j = i + 1; j <= segments.length; j++) {
        if (used.isUsed(key)) {
          levelKeys.push(asPropertyKey(key));
          levelNext.push(j);
          guarded = guarded || key in Object.prototype;
        }
        if (j < segments.length) {
          key += '.' + segments[j];
        }
      }
      keys.push(levelKeys);
      next.push(levelNext);
    }
    this.levelKeys = keys;
    this.levelNext = next;
    this.guarded = guarded;
    this.primaryPath = !guarded && next.every((level, i) => level[0] === i + 1) ? segments.map(asPropertyKey) : undefined;
    this.hasDottedKeys = keys.some((level) => level.length > 1) || this.primaryPath === undefined;
    this.signature = JSON.stringify([keys, next]);
  }

  /**
   * Look the field up (memoized under `stamp`): FOUND with the value (a scalar or an array of
   * scalars), NOTHING, or UNDECIDED when values sit in arrays of objects or arrays (they carry array
   * membership) or the name is spelled more than one way in the event.
   */
  public lookUp(event: Record<string, unknown>, stamp: number): number {
    if (this.stamp === stamp) {
      return this.found;
    }
    const finder = this.finder;
    const found = finder ? finder(this, event, holdsContainer) : this.findUncompiled(event);
    this.stamp = stamp;
    this.found = found;
    return found;
  }

  /** The generic walk, until the path has been looked up often enough to be made code. */
  private findUncompiled(event: Record<string, unknown>): number {
    if (this.finder === undefined && ++this.lookups >= COMPILE_AFTER) {
      this.finder = compileFind(this) ?? null;
    }
    return this.find(event);
  }

  /** The generic walk (`compileFind` writes the same walk as code for one path). */
  private find(event: Record<string, unknown>): number {
    const path = this.primaryPath;
    let child: unknown;
    if (path !== undefined && !this.hasDottedKeys) {
      // One key per level (a name of one segment: a longer one can also be spelled with dots).
      const last = path.length - 1;
      let node = event;
      for (let i = 0; i < last; i++) {
        const inner = node[path[i]];
        if (typeof inner !== 'object' || inner === null) {
          return NOTHING;
        }
        if (Array.isArray(inner)) {
          return holdsContainer(inner) ? UNDECIDED : NOTHING;
        }
        node = inner as Record<string, unknown>;
      }
      child = node[path[last]];
    } else {
      const end = this.segmentCount;
      let node: Record<string, unknown> = event;
      let seg = 0;
      for (;;) {
        const keys = this.levelKeys[seg];
        let next = seg + 1;
        child = undefined;
        for (let c = 0; c < keys.length; c++) {
          const key = keys[c];
          const v = this.guarded && !Object.prototype.hasOwnProperty.call(node, key) ? undefined : node[key];
          if (v !== undefined) {
            if (child !== undefined) {
              // The name is spelled more than one way in this event: leave it to the exact path.
              return UNDECIDED;
            }
            child = v;
            next = this.levelNext[seg][c];
          }
        }
        if (child === undefined || next === end) {
          break;
        }
        if (typeof child !== 'object' || child === null) {
          return NOTHING;
        }
        if (Array.isArray(child)) {
          return holdsContainer(child) ? UNDECIDED : NOTHING;
        }
        node = child as Record<string, unknown>;
        seg = next;
      }
    }
    return this.settle(child);
  }

  /** The outcome for what the last key led to (`undefined` when nothing), keeping the value when FOUND. */
  public settle(child: unknown): number {
    if (isScalar(child)) {
      this.value = child;
      return FOUND;
    }
    if (Array.isArray(child)) {
      // Scalars straight inside an array have no membership; an array inside gives its values one.
      let scalars = false;
      for (let i = 0; i < child.length; i++) {
        const el = child[i];
        if (isScalar(el)) {
          scalars = true;
        } else if (Array.isArray(el)) {
          return UNDECIDED;
        }
      }
      this.value = child;
      return scalars ? FOUND : NOTHING;
    }
    // Nothing there, an object (which only has longer names), or something that is not a JSON value.
    return NOTHING;
  }
}

/**
 * A field of a sub-rule, compiled: its path and its tests. Interned like paths, so the sub-rules of a
 * pattern, and matchers of different patterns, share one condition per (path, tests).
 */
export class FieldCondition {
  public readonly path: FieldPath;
  public readonly allowsAbsence: boolean;
  /** The outcome when the event holds no value for the field. */
  public readonly whenAbsent: number;
  public readonly hasValueTests: boolean;
  public readonly test: ValuePredicate;
  /** The single exact string the value tests are, if that is all they are. */
  public readonly onlyString: string | undefined;
  /** Whether the value tests are only exact strings (cheap and selective: tried first). */
  public readonly exactStringsOnly: boolean;
  /** Whether a test may need a number's spelling (address ranges walk a number's text). */
  public readonly usesSpelling: boolean;
  /** Quick-path outcome memo: `outcome` is valid for the call or event text numbered `stamp`. */
  public stamp = 0;
  public outcome = FAILS;

  constructor(public readonly name: string, path: FieldPath, public readonly patterns: readonly ValuePattern[], inNumericMachine: boolean) {
    this.path = path;
    this.allowsAbsence = patterns.some((p) => p.kind === 'exists' && !p.exists);
    this.whenAbsent = this.allowsAbsence ? HOLDS : FAILS;
    const valueTests = patterns.filter((p) => !(p.kind === 'exists' && !p.exists));
    this.hasValueTests = valueTests.length > 0;
    this.test = compileValuePredicate(valueTests, inNumericMachine);
    this.exactStringsOnly = this.hasValueTests && !this.allowsAbsence && valueTests.every((p) => p.kind === 'exact-string');
    const strings = new Set(valueTests.map((p) => (p.kind === 'exact-string' ? p.value : undefined)));
    this.onlyString = this.exactStringsOnly && strings.size === 1 ? Array.from(strings)[0] : undefined;
    this.usesSpelling = valueTests.some((p) => p.kind === 'cidr' || p.kind === 'address');
  }

  /** The quick outcome on an event (memoized under `stamp`). */
  public evaluate(event: Record<string, unknown>, stamp: number, exactOnSpelling: boolean): number {
    if (this.stamp === stamp) {
      return this.outcome;
    }
    let outcome: number;
    if (this.usesSpelling) {
      numberSpellingUse.needed = false;
      outcome = this.decide(event, stamp);
      if (exactOnSpelling && numberSpellingUse.needed) {
        // An address range met a number whose spelling JSON.parse dropped: decide on the exact text.
        outcome = NEEDS_EXACT;
      }
    } else {
      outcome = this.decide(event, stamp);
    }
    this.stamp = stamp;
    this.outcome = outcome;
    return outcome;
  }

  private decide(event: Record<string, unknown>, stamp: number): number {
    const path = this.path;
    const found = path.lookUp(event, stamp);
    if (found === NOTHING) {
      return this.whenAbsent;
    }
    if (found === UNDECIDED) {
      return NEEDS_EXACT;
    }
    const value = path.value;
    if (typeof value === 'string') {
      const only = this.onlyString;
      if (only !== undefined) {
        return value === only ? HOLDS : FAILS;
      }
      return this.hasValueTests && this.test(value) ? HOLDS : FAILS;
    }
    if (!Array.isArray(value)) {
      return this.hasValueTests && this.test(value as EventScalar) ? HOLDS : FAILS;
    }
    if (this.hasValueTests) {
      for (let i = 0; i < value.length; i++) {
        const el: unknown = value[i];
        if (isScalar(el) && this.test(el)) {
          return HOLDS;
        }
      }
    }
    return FAILS;
  }
}

const paths = new Map<string, FieldPath>();
const conditions = new Map<string, FieldCondition>();

function intern<T>(table: Map<string, T>, key: string, make: () => T): T {
  let known = table.get(key);
  if (known === undefined) {
    known = make();
    if (table.size < MAX_INTERNED) {
      table.set(key, known);
    }
  }
  return known;
}

function conditionFor(name: string, patterns: readonly ValuePattern[], used: UsedSteps, inNumericMachine: boolean): FieldCondition {
  const probe = new FieldPath(name.split('.'), used);
  const pathKey = probe.signature;
  const path = intern(paths, pathKey, () => probe);
  return intern(conditions, `${inNumericMachine ? 'n' : 's'}${pathKey}${JSON.stringify(patterns)}`,
    () => new FieldCondition(name, path, patterns, inNumericMachine));
}

/** A sub-rule ready to run. */
export class CompiledSubRule {
  /** Fields in event-ruler's order (sorted by name, as `addPatternRule` chains them). */
  public readonly fields: readonly FieldCondition[];
  /** The same fields in the order the quick path tries them (most selective first). */
  public readonly quickOrder: readonly FieldCondition[];

  constructor(fields: FieldCondition[]) {
    this.fields = [...fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const rank = (f: FieldCondition) => (f.exactStringsOnly ? 0 : 1) * 1000 + f.path.segmentCount;
    this.quickOrder = [...fields].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The quick outcome on an event: FAILS as soon as one field fails (whatever the others), else
   * NEEDS_EXACT if one field needs the exact path, else HOLDS. Field outcomes are memoized under `stamp`.
   */
  public quickOutcome(event: Record<string, unknown>, stamp: number, exactOnSpelling: boolean): number {
    const order = this.quickOrder;
    let outcome = HOLDS;
    for (let f = 0; f < order.length; f++) {
      const field = order[f];
      const fieldOutcome = field.stamp === stamp ? field.outcome : field.evaluate(event, stamp, exactOnSpelling);
      if (fieldOutcome === FAILS) {
        return FAILS;
      }
      if (fieldOutcome === NEEDS_EXACT) {
        outcome = NEEDS_EXACT;
      }
    }
    return outcome;
  }
}

// ---- the exact path ----

/** A field's values in one event, indexed as `StructuredFinder.FieldIndex` indexes them. */
interface IndexedField {
  readonly values: readonly RulerValue[];
  /** Array id -> element index -> positions in `values`. */
  readonly byElement: Map<number, Map<number, number[]>> | undefined;
}

const NO_VALUES: IndexedField = { values: [], byElement: undefined };

function indexField(values: readonly RulerValue[] | undefined): IndexedField {
  if (!values) {
    return NO_VALUES;
  }
  let byElement: Map<number, Map<number, number[]>> | undefined;
  for (let pos = 0; pos < values.length; pos++) {
    values[pos].membership.some((array, index) => {
      byElement ??= new Map();
      let byIndex = byElement.get(array);
      if (!byIndex) {
        byIndex = new Map();
        byElement.set(array, byIndex);
      }
      const list = byIndex.get(index);
      if (list) {
        list.push(pos);
      } else {
        byIndex.set(index, [pos]);
      }
      return false;
    });
  }
  return { values, byElement };
}

/** `ArrayMembership.checkArrayConsistency`: the combined membership, or undefined when inconsistent. */
function combine(soFar: IntIntMap, membership: IntIntMap): IntIntMap | undefined {
  if (soFar.size === 0) {
    return membership.size === 0 ? soFar : membership.clone();
  }
  let combined: IntIntMap | undefined;
  const inconsistent = membership.some((array, index) => {
    const chosen = soFar.get(array);
    if (chosen === NO_VALUE) {
      (combined ??= soFar.clone()).put(array, index);
      return false;
    }
    return chosen !== index;
  });
  return inconsistent ? undefined : combined ?? soFar;
}

function consistent(soFar: IntIntMap, membership: IntIntMap): boolean {
  if (soFar.size === 0 || membership.size === 0) {
    return true;
  }
  return !membership.some((array, index) => {
    const chosen = soFar.get(array);
    return chosen !== NO_VALUE && chosen !== index;
  });
}

/**
 * `FieldIndex.getConsistent`: all values when nothing is constrained; otherwise, for the first array in
 * the constraint table's order that the field has values in, only the values in the chosen element
 * (checked against the other constraints when there are several). Values of the field outside that
 * array are dropped, even when they would be consistent: event-ruler answers so.
 */
function consistentCandidates(field: IndexedField, constraints: IntIntMap): readonly number[] | undefined {
  const all = field.values;
  if (all.length === 0) {
    return undefined;
  }
  const byElement = field.byElement;
  if (constraints.size > 0 && byElement !== undefined) {
    let found: readonly number[] | undefined | null = null;
    constraints.some((array, index) => {
      const byIndex = byElement.get(array);
      if (!byIndex) {
        return false;
      }
      const inElement = byIndex.get(index);
      if (!inElement) {
        found = undefined;
      } else if (constraints.size <= 1) {
        found = inElement;
      } else {
        const kept = inElement.filter((pos) => consistent(constraints, all[pos].membership));
        found = kept.length > 0 ? kept : undefined;
      }
      return true;
    });
    if (found !== null) {
      return found;
    }
  }
  return all.map((_, pos) => pos);
}

interface WalkFrame {
  readonly k: number;
  readonly constraints: IntIntMap;
  readonly memoKey: string;
  /** 0: absence not tried yet; 1: values; 2: exhausted. */
  phase: number;
  candidates: readonly number[] | undefined;
  next: number;
}

/**
 * `StructuredFinder.walk` for one sub-rule: does some choice, field by field in name order, of a
 * value passing the field's tests (or, for `exists: false`, no value consistent with the choices so
 * far) keep every array consistent? Failed states are remembered; the memo key keeps the membership
 * table's layout (which decides later choices) but forgets the element chosen in arrays that no later
 * field has values in, so independent arrays do not multiply the work.
 */
export function matchesExactly(rule: CompiledSubRule, event: ExactEvent): boolean {
  const fields = rule.fields;
  const n = fields.length;
  const indexed = fields.map((f) => event.field(f.name));
  const passes = fields.map((f, k) => event.passes(f, indexed[k]));
  // Arrays that fields k.. have values in.
  const relevant: Set<number>[] = new Array(n + 1);
  relevant[n] = new Set();
  for (let k = n - 1; k >= 0; k--) {
    const set = new Set(relevant[k + 1]);
    for (const v of indexed[k].values) {
      v.membership.some((array) => {
        set.add(array);
        return false;
      });
    }
    relevant[k] = set;
  }
  const memoKey = (k: number, c: IntIntMap): string => {
    if (c.size === 0) {
      return String(k);
    }
    const r = relevant[k];
    let key = `${k}|${c.capacity}|`;
    for (let slot = 0; slot < c.capacity; slot++) {
      const array = c.keyAt(slot);
      key += array < 0 ? ',' : r.has(array) ? `${array}:${c.valueAt(slot)},` : `${array},`;
    }
    return key;
  };
  const failed = new Set<string>();
  const stack: WalkFrame[] = [{ k: 0, constraints: IntIntMap.EMPTY, memoKey: '0', phase: 0, candidates: undefined, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const field = fields[frame.k];
    const found = indexed[frame.k];
    let chosen: IntIntMap | undefined;
    if (frame.phase === 0) {
      frame.phase = 1;
      if (field.allowsAbsence && !found.values.some((v) => consistent(frame.constraints, v.membership))) {
        chosen = frame.constraints;
      }
    }
    if (chosen === undefined && frame.phase === 1 && field.hasValueTests) {
      frame.candidates ??= consistentCandidates(found, frame.constraints) ?? [];
      const ok = passes[frame.k];
      while (chosen === undefined && frame.next < frame.candidates.length) {
        const pos = frame.candidates[frame.next++];
        if (ok[pos]) {
          chosen = combine(frame.constraints, found.values[pos].membership);
        }
      }
    }
    if (chosen === undefined) {
      frame.phase = 2;
      failed.add(frame.memoKey);
      stack.pop();
      continue;
    }
    if (frame.k + 1 === n) {
      return true;
    }
    const key = memoKey(frame.k + 1, chosen);
    if (!failed.has(key)) {
      stack.push({ k: frame.k + 1, constraints: chosen, memoKey: key, phase: 0, candidates: undefined, next: 0 });
    }
  }
  return false;
}

/** A `RulerEvent` with its fields indexed and tested on demand (shared by the sub-rules of a pattern). */
export class ExactEvent {
  private readonly indexed = new Map<string, IndexedField>();
  private readonly tested = new Map<FieldCondition, boolean[]>();

  constructor(private readonly event: RulerEvent) {}

  public field(name: string): IndexedField {
    let f = this.indexed.get(name);
    if (!f) {
      f = indexField(this.event.fields.get(name));
      this.indexed.set(name, f);
    }
    return f;
  }

  public passes(condition: FieldCondition, field: IndexedField): boolean[] {
    let results = this.tested.get(condition);
    if (!results) {
      results = field.values.map((v) => condition.hasValueTests && condition.test(v.value));
      this.tested.set(condition, results);
    }
    return results;
  }
}

/** Numbers the quick path's memo stamps: each matchesEvent call, and each event text, gets a new one. */
let lastStamp = 0;

/** A fresh stamp (a new event object or text). */
export function newStamp(): number {
  return ++lastStamp;
}

/** A pattern's sub-rules and fields, compiled for both paths. */
export class CompiledRules {
  public readonly rules: readonly CompiledSubRule[];
  public readonly used: UsedSteps;
  /** Every field name of every sub-rule (what the exact path collects). */
  public readonly names: ReadonlySet<string>;

  constructor(subRules: readonly SubRule[]) {
    const names = new Set<string>();
    subRules.forEach((rule) => rule.forEach((_, name) => names.add(name)));
    this.names = names;
    this.used = new UsedSteps(names);
    const numericFields = fieldsInNumericMachines(subRules);
    this.rules = subRules.map((rule, r) => new CompiledSubRule(
      Array.from(rule, ([name, patterns]) => conditionFor(name, patterns, this.used, numericFields[r].has(name)))));
  }

  /**
   * The quick path on an event object: true or false, or undefined when some sub-rule that might match
   * needs the exact path. `stamp` identifies the event: outcomes computed under the same stamp are
   * reused, so a stamp must not be reused for an object that may have changed. `exactOnSpelling`: a
   * test that needed a number's
   * spelling (lost by JSON.parse) makes the field undecided.
   */
  public matchQuickly(event: Record<string, unknown>, stamp: number, exactOnSpelling: boolean): boolean | undefined {
    let undecided = false;
    const rules = this.rules;
    for (let r = 0; r < rules.length; r++) {
      const outcome = rules[r].quickOutcome(event, stamp, exactOnSpelling);
      if (outcome === HOLDS) {
        return true;
      }
      undecided = undecided || outcome === NEEDS_EXACT;
    }
    return undecided ? undefined : false;
  }

  /** The exact path. */
  public matchExactly(event: RulerEvent): boolean {
    const exact = new ExactEvent(event);
    return this.rules.some((rule) => matchesExactly(rule, exact));
  }
}
