/**
 * Matching a compiled pattern against an event, with event-ruler's array consistency
 * (`Machine.rulesForJSONEvent` / `ACFinder`).
 *
 * A pattern is a list of sub-rules (one per `$or` combination); it matches when any sub-rule does. A
 * sub-rule's fields are visited in sorted name order, as event-ruler chains them. Each field takes
 * either one event value that passes one of its tests, or (with `exists: false`) no value at all.
 * Values taken from inside event arrays must be compatible: for every array two taken values both
 * sit in, they sit in the same element. An `exists: false` field counts as absent when no value of
 * that name is compatible with the values taken for the fields before it (event-ruler checks absence
 * against what it has matched so far, so this depends on field order, exactly as there).
 *
 * Only the paths a pattern names are walked. A flattened name such as `a.b.c` is found under any
 * split of the event's keys (`a` -> `b` -> `c`, `a.b` -> `c`, `a.b.c`, ...), as event-ruler joins
 * nested keys with dots. Scalars directly inside an array are not array members in event-ruler's
 * bookkeeping; objects and arrays inside an array are.
 */
import { NumberToken } from './comparable-number';
import { RepeatedKey } from './event-reader';
import { SubRule } from './pattern-compiler';
import { EventScalar, ValuePattern, ValuePredicate, compileValuePredicate } from './value-patterns';

/** Deepest array-in-array nesting followed on one path (guards against cyclic objects). */
export const MAX_ARRAY_NESTING = 10000;

/** One step of array membership: the value sits in element `index` of `array`; `parent` is the enclosing one. */
interface Membership {
  readonly array: object;
  readonly index: number;
  readonly parent: Membership | undefined;
  readonly depth: number;
}

interface KeyChoice {
  /** The event key to look up: one or more name segments joined with dots. */
  readonly key: string;
  /** Segment index after this key. */
  readonly next: number;
  /** The key names an `Object.prototype` member, so it must be an own property. */
  readonly guarded: boolean;
}

/** A field of a sub-rule, compiled. */
export class FieldCondition {
  public readonly segmentCount: number;
  /** For each segment index, the keys that can be looked up there. */
  public readonly keyChoices: readonly (readonly KeyChoice[])[];
  /** The same, flattened for the direct walk: keys and next segment indexes per level. */
  public readonly levelKeys: readonly (readonly string[])[];
  public readonly levelNext: readonly (readonly number[])[];
  /** Whether some key must be checked as an own property (names like `constructor`). */
  public readonly anyGuarded: boolean;
  public readonly allowsAbsence: boolean;
  public readonly test: ValuePredicate;
  public readonly hasValueTests: boolean;

  constructor(public readonly name: string, patterns: readonly ValuePattern[]) {
    const segments = name.split('.');
    this.segmentCount = segments.length;
    const choices: KeyChoice[][] = [];
    for (let i = 0; i < segments.length; i++) {
      const list: KeyChoice[] = [];
      let key = segments[i];
      for (let j = i + 1; j <= segments.length; j++) {
        list.push({ key, next: j, guarded: key in Object.prototype });
        if (j < segments.length) {
          key += '.' + segments[j];
        }
      }
      choices.push(list);
    }
    this.keyChoices = choices;
    this.levelKeys = choices.map((list) => list.map((c) => c.key));
    this.levelNext = choices.map((list) => list.map((c) => c.next));
    this.anyGuarded = choices.some((list) => list.some((c) => c.guarded));
    this.allowsAbsence = patterns.some((p) => p.kind === 'exists' && !p.exists);
    const valueTests = patterns.filter((p) => !(p.kind === 'exists' && !p.exists));
    this.hasValueTests = valueTests.length > 0;
    this.test = compileValuePredicate(valueTests);
  }
}

/** Values found for one field name, each with its array membership (undefined outside arrays). */
class FieldValues {
  public readonly values: EventScalar[] = [];
  public readonly memberships: (Membership | undefined)[] = [];
  public inArrays = false;

  public clear(): void {
    if (this.values.length > 0) {
      this.values.length = 0;
      this.memberships.length = 0;
    }
    this.inArrays = false;
  }

  public add(value: EventScalar, membership: Membership | undefined): void {
    this.values.push(value);
    this.memberships.push(membership);
    if (membership !== undefined) {
      this.inArrays = true;
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof NumberToken) && !(v instanceof RepeatedKey);
}

function member(array: object, index: number, parent: Membership | undefined): Membership {
  const depth = parent === undefined ? 1 : parent.depth + 1;
  if (depth > MAX_ARRAY_NESTING) {
    throw new Error(`Event arrays are nested more than ${MAX_ARRAY_NESTING} deep (or the event object is cyclic)`);
  }
  return { array, index, parent, depth };
}

// Work stacks reused across calls (matching is synchronous and never re-entered).
const walkNodes: unknown[] = [];
const walkSegments: number[] = [];
const walkMemberships: (Membership | undefined)[] = [];

/** Collect every value the event holds under the field's name. */
function collectValues(root: Record<string, unknown>, field: FieldCondition, out: FieldValues): void {
  out.clear();
  const end = field.segmentCount;
  const base = walkNodes.length;
  walkNodes.push(root);
  walkSegments.push(0);
  walkMemberships.push(undefined);
  while (walkNodes.length > base) {
    const node = walkNodes.pop();
    const seg = walkSegments.pop()!;
    const membership = walkMemberships.pop();
    if (seg === end) {
      // Leaf position: node is a value, an array of values, or repeated values.
      addLeaf(node, membership, out);
      continue;
    }
    if (seg < 0) {
      // An array (or repeated key) met on the way down at segment ~seg.
      descendInto(node, ~seg, membership, out);
      continue;
    }
    const obj = node as Record<string, unknown>;
    const choices = field.keyChoices[seg];
    for (let c = 0; c < choices.length; c++) {
      const choice = choices[c];
      const child = choice.guarded
        ? (Object.prototype.hasOwnProperty.call(obj, choice.key) ? obj[choice.key] : undefined)
        : obj[choice.key];
      if (child === undefined) {
        continue;
      }
      if (choice.next === end) {
        if (typeof child !== 'object' || child === null) {
          if (typeof child !== 'function' && typeof child !== 'symbol' && typeof child !== 'bigint') {
            out.add(child as EventScalar, membership);
          }
        } else if (child instanceof NumberToken) {
          out.add(child, membership);
        } else if (Array.isArray(child) || child instanceof RepeatedKey) {
          walkNodes.push(child);
          walkSegments.push(end);
          walkMemberships.push(membership);
        }
      } else if (isPlainObject(child)) {
        walkNodes.push(child);
        walkSegments.push(choice.next);
        walkMemberships.push(membership);
      } else if (Array.isArray(child) || child instanceof RepeatedKey) {
        walkNodes.push(child);
        walkSegments.push(~choice.next);
        walkMemberships.push(membership);
      }
    }
  }
}

function addLeaf(node: unknown, membership: Membership | undefined, out: FieldValues): void {
  if (node instanceof RepeatedKey) {
    for (const v of node.values) {
      if (typeof v !== 'object' || v === null || v instanceof NumberToken) {
        out.add(v as EventScalar, membership);
      } else if (Array.isArray(v)) {
        pushLeaf(v, membership);
      }
    }
    return;
  }
  const array = node as unknown[];
  for (let i = 0; i < array.length; i++) {
    const el = array[i];
    if (el === undefined || typeof el === 'function' || typeof el === 'symbol' || typeof el === 'bigint') {
      continue;
    }
    if (typeof el !== 'object' || el === null || el instanceof NumberToken) {
      out.add(el as EventScalar, membership);
    } else if (Array.isArray(el)) {
      pushLeaf(el, member(array, i, membership));
    }
  }
}

function pushLeaf(node: unknown, membership: Membership | undefined): void {
  walkNodes.push(node);
  walkSegments.push(-0x7fffffff - 1);
  walkMemberships.push(membership);
}

function descendInto(node: unknown, seg: number, membership: Membership | undefined, out: FieldValues): void {
  if (seg === 0x7fffffff) {
    // Marker from pushLeaf: a nested array at the leaf position.
    addLeaf(node, membership, out);
    return;
  }
  if (node instanceof RepeatedKey) {
    for (const v of node.values) {
      if (isPlainObject(v)) {
        walkNodes.push(v);
        walkSegments.push(seg);
        walkMemberships.push(membership);
      } else if (Array.isArray(v)) {
        walkNodes.push(v);
        walkSegments.push(~seg);
        walkMemberships.push(membership);
      }
    }
    return;
  }
  const array = node as unknown[];
  for (let i = 0; i < array.length; i++) {
    const el = array[i];
    if (isPlainObject(el)) {
      walkNodes.push(el);
      walkSegments.push(seg);
      walkMemberships.push(member(array, i, membership));
    } else if (Array.isArray(el)) {
      walkNodes.push(el);
      walkSegments.push(~seg);
      walkMemberships.push(member(array, i, membership));
    }
  }
}

/** Values of one field arranged by array membership, root first, to enumerate compatible ones fast. */
class MembershipTrie {
  public readonly here: number[] = [];
  public readonly below = new Map<object, Map<number, MembershipTrie>>();

  public insert(path: Membership[], valueIndex: number): void {
    let node: MembershipTrie = this;
    for (let i = path.length - 1; i >= 0; i--) {
      const m = path[i];
      let byIndex = node.below.get(m.array);
      if (!byIndex) {
        byIndex = new Map();
        node.below.set(m.array, byIndex);
      }
      let next = byIndex.get(m.index);
      if (!next) {
        next = new MembershipTrie();
        byIndex.set(m.index, next);
      }
      node = next;
    }
    node.here.push(valueIndex);
  }

  /** All value indexes compatible with the chosen memberships (iterative: nesting can be deep). */
  public compatible(chosen: Map<object, number>, out: number[]): void {
    const pending: MembershipTrie[] = [this];
    const free: MembershipTrie[] = [];
    while (pending.length > 0) {
      const node = pending.pop()!;
      for (const v of node.here) {
        out.push(v);
      }
      for (const [array, byIndex] of node.below) {
        const index = chosen.get(array);
        if (index !== undefined) {
          const child = byIndex.get(index);
          if (child) {
            pending.push(child);
          }
        } else {
          // Nothing inside an array that was not chosen can have been chosen: take all of it.
          for (const child of byIndex.values()) {
            free.push(child);
          }
        }
      }
    }
    while (free.length > 0) {
      const node = free.pop()!;
      for (const v of node.here) {
        out.push(v);
      }
      for (const byIndex of node.below.values()) {
        for (const child of byIndex.values()) {
          free.push(child);
        }
      }
    }
  }

  /** Whether any value is compatible with the chosen memberships. */
  public anyCompatible(chosen: Map<object, number>): boolean {
    const pending: MembershipTrie[] = [this];
    while (pending.length > 0) {
      const node = pending.pop()!;
      if (node.here.length > 0) {
        return true;
      }
      for (const [array, byIndex] of node.below) {
        const index = chosen.get(array);
        if (index === undefined) {
          if (byIndex.size > 0) {
            return true;
          }
        } else {
          const child = byIndex.get(index);
          if (child) {
            pending.push(child);
          }
        }
      }
    }
    return false;
  }
}

function membershipPath(m: Membership | undefined): Membership[] {
  const path: Membership[] = [];
  for (let p = m; p !== undefined; p = p.parent) {
    path.push(p);
  }
  return path;
}

/** A field whose values sit in arrays, prepared for the consistency search. */
interface ArrayField {
  readonly condition: FieldCondition;
  readonly values: EventScalar[];
  readonly paths: Membership[][];
  /** Values that pass the field's tests. */
  readonly candidates: MembershipTrie;
  /** All values (for the absence check). */
  readonly everything: MembershipTrie;
}

function prepareArrayField(condition: FieldCondition, found: FieldValues): ArrayField {
  const values = found.values.slice();
  const paths = found.memberships.map(membershipPath);
  const candidates = new MembershipTrie();
  const everything = new MembershipTrie();
  for (let i = 0; i < values.length; i++) {
    everything.insert(paths[i], i);
    if (condition.hasValueTests && condition.test(values[i])) {
      candidates.insert(paths[i], i);
    }
  }
  return { condition, values, paths, candidates, everything };
}

interface SearchFrame {
  /** Candidate value indexes compatible with the memberships chosen before this field. */
  readonly options: number[];
  next: number;
  /** Arrays this frame's current choice added to the chosen memberships. */
  added: object[];
  absenceTried: boolean;
  readonly memoKey: string;
}

/**
 * Depth-first search for compatible choices over the array fields (in name order), with failed states
 * remembered by the memberships that still matter, so large arrays do not make it explode.
 */
function searchConsistent(fields: ArrayField[]): boolean {
  const n = fields.length;
  // An array matters to fields k.. if one of them has values inside it: remember its last field.
  const arrayIds = new Map<object, number>();
  const lastField = new Map<object, number>();
  for (let k = 0; k < n; k++) {
    for (const path of fields[k].paths) {
      for (const m of path) {
        if (!arrayIds.has(m.array)) {
          arrayIds.set(m.array, arrayIds.size);
        }
        lastField.set(m.array, k);
      }
    }
  }
  const chosen = new Map<object, number>();
  const failed = new Set<string>();
  const keyFor = (k: number): string => {
    const parts: number[] = [];
    for (const [array, index] of chosen) {
      if (lastField.get(array)! >= k) {
        parts.push(arrayIds.get(array)!, index);
      }
    }
    return `${k}:${parts.join(',')}`;
  };
  const open = (k: number): SearchFrame | undefined => {
    const memoKey = keyFor(k);
    if (failed.has(memoKey)) {
      return undefined;
    }
    const options: number[] = [];
    fields[k].candidates.compatible(chosen, options);
    return { options, next: 0, added: [], absenceTried: false, memoKey };
  };
  const undo = (frame: SearchFrame): void => {
    for (const array of frame.added) {
      chosen.delete(array);
    }
    frame.added = [];
  };

  const stack: SearchFrame[] = [];
  const first = open(0);
  if (!first) {
    return false;
  }
  stack.push(first);
  while (stack.length > 0) {
    const k = stack.length - 1;
    const frame = stack[k];
    undo(frame);
    let advanced = false;
    while (frame.next < frame.options.length) {
      const valueIndex = frame.options[frame.next++];
      for (const m of fields[k].paths[valueIndex]) {
        if (!chosen.has(m.array)) {
          chosen.set(m.array, m.index);
          frame.added.push(m.array);
        }
      }
      advanced = true;
      break;
    }
    if (!advanced && !frame.absenceTried) {
      frame.absenceTried = true;
      const field = fields[k];
      if (field.condition.allowsAbsence && !field.everything.anyCompatible(chosen)) {
        advanced = true;
      }
    }
    if (!advanced) {
      failed.add(frame.memoKey);
      stack.pop();
      continue;
    }
    if (k + 1 === n) {
      return true;
    }
    const child = open(k + 1);
    if (child) {
      stack.push(child);
    }
  }
  return false;
}

/** A sub-rule ready to run: its fields in event-ruler's (sorted name) order. */
export class CompiledSubRule {
  public readonly fields: readonly FieldCondition[];

  constructor(rule: SubRule) {
    const names = Array.from(rule.keys()).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.fields = names.map((name) => new FieldCondition(name, rule.get(name)!));
  }
}

const scratch = new FieldValues();

/** Value types a JSON event can hold (objects aside); anything else in a JS object is ignored. */
function isJsonScalarType(t: string): boolean {
  return t === 'string' || t === 'number' || t === 'boolean';
}

const FIELD_FAILS = 0;
const FIELD_HOLDS = 1;
const FIELD_IN_ARRAYS = 2;

/**
 * The common case without the general walk: follow the field's keys through plain objects while
 * exactly one key matches at each level. Returns FIELD_IN_ARRAYS (or falls back) when arrays or
 * several dotted spellings of the name are met.
 */
function evaluateDirectly(event: Record<string, unknown>, field: FieldCondition): number {
  if (field.anyGuarded) {
    return evaluateByWalk(event, field);
  }
  const end = field.segmentCount;
  const levelKeys = field.levelKeys;
  let node: Record<string, unknown> = event;
  let seg = 0;
  for (;;) {
    const keys = levelKeys[seg];
    let child: unknown = node[keys[0]];
    let next = seg + 1;
    for (let c = 1; c < keys.length; c++) {
      const v = node[keys[c]];
      if (v !== undefined) {
        if (child !== undefined) {
          return evaluateByWalk(event, field);
        }
        child = v;
        next = field.levelNext[seg][c];
      }
    }
    if (child === undefined) {
      return field.allowsAbsence ? FIELD_HOLDS : FIELD_FAILS;
    }
    if (next === end) {
      if (typeof child !== 'object' || child === null) {
        if (child !== null && !isJsonScalarType(typeof child)) {
          return field.allowsAbsence ? FIELD_HOLDS : FIELD_FAILS;
        }
        return field.hasValueTests && field.test(child as EventScalar) ? FIELD_HOLDS : FIELD_FAILS;
      }
      if (Array.isArray(child)) {
        // Scalars straight inside an array are not array members: test them here.
        let anyValue = false;
        for (let i = 0; i < child.length; i++) {
          const el = child[i];
          if (el === null || isJsonScalarType(typeof el)) {
            anyValue = true;
            if (field.hasValueTests && field.test(el as EventScalar)) {
              return FIELD_HOLDS;
            }
          } else if (Array.isArray(el) || el instanceof NumberToken || el instanceof RepeatedKey) {
            return evaluateByWalk(event, field);
          }
        }
        return !anyValue && field.allowsAbsence ? FIELD_HOLDS : FIELD_FAILS;
      }
      if (child instanceof NumberToken || child instanceof RepeatedKey) {
        return evaluateByWalk(event, field);
      }
      return field.allowsAbsence ? FIELD_HOLDS : FIELD_FAILS;
    }
    if (typeof child !== 'object' || child === null) {
      return field.allowsAbsence ? FIELD_HOLDS : FIELD_FAILS;
    }
    if (Array.isArray(child) || child instanceof RepeatedKey) {
      return evaluateByWalk(event, field);
    }
    if (child instanceof NumberToken) {
      return field.allowsAbsence ? FIELD_HOLDS : FIELD_FAILS;
    }
    node = child as Record<string, unknown>;
    seg = next;
  }
}

/** The general case: collect every value under the name, with memberships. */
function evaluateByWalk(event: Record<string, unknown>, field: FieldCondition): number {
  collectValues(event, field, scratch);
  if (scratch.inArrays) {
    return FIELD_IN_ARRAYS;
  }
  const values = scratch.values;
  if (field.hasValueTests) {
    for (let i = 0; i < values.length; i++) {
      if (field.test(values[i])) {
        return FIELD_HOLDS;
      }
    }
  }
  return field.allowsAbsence && values.length === 0 ? FIELD_HOLDS : FIELD_FAILS;
}

/** Whether the event matches the sub-rule. */
export function matchSubRule(rule: CompiledSubRule, event: Record<string, unknown>): boolean {
  const fields = rule.fields;
  let arrayFields: ArrayField[] | undefined;
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f];
    const outcome = evaluateDirectly(event, field);
    if (outcome === FIELD_FAILS) {
      return false;
    }
    if (outcome === FIELD_IN_ARRAYS) {
      // Values outside arrays are compatible with anything, so only these fields need the search.
      if (!scratch.inArrays) {
        collectValues(event, field, scratch);
      }
      (arrayFields ??= []).push(prepareArrayField(field, scratch));
    }
  }
  return arrayFields === undefined || searchConsistent(arrayFields);
}

/** Whether the event matches any of the sub-rules. */
export function matchAny(rules: readonly CompiledSubRule[], event: Record<string, unknown>): boolean {
  for (let i = 0; i < rules.length; i++) {
    if (matchSubRule(rules[i], event)) {
      return true;
    }
  }
  return false;
}
