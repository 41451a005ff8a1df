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
import { IntIntMap, NO_VALUE } from './int-int-map';
import { SubRule } from './pattern-compiler';
import { RulerEvent, RulerValue, UsedSteps } from './ruler-event';
import { fieldsInNumericMachines } from './shared-byte-machines';
import { EventScalar, ValuePattern, ValuePredicate, compileValuePredicate } from './value-patterns';

/** Outcomes of a field, or of a sub-rule, on the quick path. */
export const FAILS = 0;
export const HOLDS = 1;
/** Values in arrays or several spellings of the name: only the exact path can decide. */
export const NEEDS_EXACT = 2;

/** A field of a sub-rule, compiled; shared by the sub-rules of a pattern with the same name and tests. */
export class FieldCondition {
  public readonly segmentCount: number;
  /** For each segment index, the used keys that can be looked up there and the segment after each. */
  public readonly levelKeys: readonly (readonly string[])[];
  public readonly levelNext: readonly (readonly number[])[];
  /** Whether some key names an `Object.prototype` member (`constructor`, `__proto__`): own properties only. */
  public readonly guarded: boolean;
  public readonly allowsAbsence: boolean;
  public readonly hasValueTests: boolean;
  public readonly test: ValuePredicate;
  /** Whether the value tests are only exact strings (cheap and selective: tried first). */
  public readonly exactStringsOnly: boolean;
  /** Quick-path outcome memo within one matching call (`stamp` is the call's number). */
  public stamp = 0;
  public outcome = FAILS;

  constructor(public readonly name: string, patterns: readonly ValuePattern[], used: UsedSteps, inNumericMachine: boolean) {
    const segments = name.split('.');
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
          levelKeys.push(key);
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
    this.allowsAbsence = patterns.some((p) => p.kind === 'exists' && !p.exists);
    const valueTests = patterns.filter((p) => !(p.kind === 'exists' && !p.exists));
    this.hasValueTests = valueTests.length > 0;
    this.test = compileValuePredicate(valueTests, inNumericMachine);
    this.exactStringsOnly = this.hasValueTests && !this.allowsAbsence && valueTests.every((p) => p.kind === 'exact-string');
  }
}

/** A sub-rule ready to run. */
export class CompiledSubRule {
  /** Fields in event-ruler's order (sorted by name, as `addPatternRule` chains them). */
  public readonly fields: readonly FieldCondition[];
  /** The same fields in the order the quick path tries them (most selective first). */
  public readonly quickOrder: readonly FieldCondition[];

  constructor(fields: FieldCondition[]) {
    this.fields = [...fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const rank = (f: FieldCondition) => (f.exactStringsOnly ? 0 : 1) * 1000 + f.segmentCount;
    this.quickOrder = [...fields].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Whether an array holds an object or array (whose values would carry array membership). */
function holdsContainer(array: unknown[]): boolean {
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

/** The quick outcome of one field on an event object. */
function evaluateQuickly(event: Record<string, unknown>, field: FieldCondition): number {
  const end = field.segmentCount;
  const absent = field.allowsAbsence ? HOLDS : FAILS;
  let node: Record<string, unknown> = event;
  let seg = 0;
  for (;;) {
    const keys = field.levelKeys[seg];
    let child: unknown;
    let next = seg + 1;
    if (keys.length === 1) {
      const key = keys[0];
      child = field.guarded && !Object.prototype.hasOwnProperty.call(node, key) ? undefined : node[key];
      next = field.levelNext[seg][0];
    } else {
      for (let c = 0; c < keys.length; c++) {
        const key = keys[c];
        const v = field.guarded && !Object.prototype.hasOwnProperty.call(node, key) ? undefined : node[key];
        if (v !== undefined) {
          if (child !== undefined) {
            // The name is spelled more than one way in this event: leave it to the exact path.
            return NEEDS_EXACT;
          }
          child = v;
          next = field.levelNext[seg][c];
        }
      }
    }
    if (child === undefined) {
      return absent;
    }
    if (next === end) {
      if (isScalar(child)) {
        return field.hasValueTests && field.test(child) ? HOLDS : FAILS;
      }
      if (Array.isArray(child)) {
        // Scalars straight inside an array have no membership; an array inside gives its values one.
        let present = false;
        let passed = false;
        for (let i = 0; i < child.length; i++) {
          const el = child[i];
          if (isScalar(el)) {
            present = true;
            passed = passed || (field.hasValueTests && field.test(el));
          } else if (Array.isArray(el)) {
            return NEEDS_EXACT;
          }
        }
        return passed ? HOLDS : present ? FAILS : absent;
      }
      // An object here only has longer names; anything else is not a JSON value.
      return absent;
    }
    if (typeof child !== 'object' || child === null) {
      return absent;
    }
    if (Array.isArray(child)) {
      return holdsContainer(child) ? NEEDS_EXACT : absent;
    }
    node = child as Record<string, unknown>;
    seg = next;
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

/** A pattern's sub-rules and fields, compiled for both paths. */
export class CompiledRules {
  public readonly rules: readonly CompiledSubRule[];
  public readonly used: UsedSteps;
  /** Every field name of every sub-rule (what the exact path collects). */
  public readonly names: ReadonlySet<string>;
  private calls = 0;

  constructor(subRules: readonly SubRule[]) {
    const names = new Set<string>();
    subRules.forEach((rule) => rule.forEach((_, name) => names.add(name)));
    this.names = names;
    this.used = new UsedSteps(names);
    const numericFields = fieldsInNumericMachines(subRules);
    // One condition per (name, test list, kind of byte machine): $or copies share the list, so they
    // share the condition.
    const shared = new Map<readonly ValuePattern[], Map<string, FieldCondition>>();
    const conditionFor = (name: string, patterns: readonly ValuePattern[], numeric: boolean): FieldCondition => {
      let byName = shared.get(patterns);
      if (!byName) {
        byName = new Map();
        shared.set(patterns, byName);
      }
      const key = `${numeric ? 'n' : 's'}${name}`;
      let condition = byName.get(key);
      if (!condition) {
        condition = new FieldCondition(name, patterns, this.used, numeric);
        byName.set(key, condition);
      }
      return condition;
    };
    this.rules = subRules.map((rule, r) => new CompiledSubRule(
      Array.from(rule, ([name, patterns]) => conditionFor(name, patterns, numericFields[r].has(name)))));
  }

  /**
   * The quick path on an event object: true or false, or undefined when some sub-rule that might match
   * needs the exact path.
   */
  public matchQuickly(event: Record<string, unknown>): boolean | undefined {
    const stamp = ++this.calls;
    let undecided = false;
    const rules = this.rules;
    for (let r = 0; r < rules.length; r++) {
      const order = rules[r].quickOrder;
      let outcome = HOLDS;
      for (let f = 0; f < order.length; f++) {
        const field = order[f];
        if (field.stamp !== stamp) {
          field.stamp = stamp;
          field.outcome = evaluateQuickly(event, field);
        }
        if (field.outcome === FAILS) {
          outcome = FAILS;
          break;
        }
        if (field.outcome === NEEDS_EXACT) {
          outcome = NEEDS_EXACT;
        }
      }
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
