/**
 * Pattern shapes for which event-ruler's answer depends on the order of `$or` branches or of the values
 * in a field's list, found by building the pattern's machine as event-ruler does (ruler-machine.ts).
 * The engine answers as AWS documents (a list matches when any value does, `$or` when any branch
 * does); EventBridge answers as event-ruler builds. Two shapes (README.md, "Order-dependent patterns"):
 *
 * - Overlapping `$or` branches. `GenericMachine.addStep` takes a sub-rule (one `$or` combination) for
 *   a repeat of one it added before when both have the same fields and, field by field, share a value
 *   (a pattern equal in type and value), and then adds nothing for it: values only the later one
 *   lists never match. `{"$or":[{"a":["x"]},{"a":["x","y"]}]}` does not match `{"a":"y"}`; with the
 *   branches swapped it does.
 * - A test laid through a wildcard's star. `ByteMachine.canReuseNextByteState` lets a value added
 *   after a wildcard on the same field walk into the state the wildcard's `*` loops in when the
 *   value's character has case alternatives (`equals-ignore-case` and its `prefix`/`suffix`/
 *   `anything-but` forms) and the star is entered from the same state. The rest of the value then
 *   hangs off the loop, so the test also passes values with anything at that point:
 *   `[{"wildcard":"*User"},{"equals-ignore-case":"x"}]` matches `"GetRole"`. Listed the other way
 *   round, the test gets its own states.
 *
 * A finding is reported only when an event shows it: for the first shape, an event matching the
 * skipped combination and no combination event-ruler kept; for the second, a value the damaged test
 * passes (or, for `anything-but`, refuses) while the field's own list, as documented, says otherwise.
 */
import { SubRule } from '../pattern-compiler';
import { EventScalar, ValuePattern, compileValuePredicate } from '../value-patterns';
import { InputCharacterView, MatchType, RulerMachine, RulerPattern, pathText, rulerPatterns } from './ruler-machine';

/** The warning ids (acknowledge with `Annotations.of(scope).acknowledgeWarning(id)`). */
export const OVERLAPPING_OR_BRANCHES_ID = 'cdk-iam-change-alerts:patternOverlappingOrBranches';
export const TEST_THROUGH_WILDCARD_ID = 'cdk-iam-change-alerts:patternTestThroughWildcard';

/** One order-dependent place in a pattern. */
export interface OrderDependence {
  readonly id: string;
  /** The warning, with its fix. */
  readonly message: string;
  /**
   * An event (flattened field name to value; a missing field is absent) on which event-ruler's answer
   * differs from the documented one for this pattern.
   */
  readonly witness: ReadonlyMap<string, EventScalar>;
  /** The documented answer for the witness (event-ruler gives the other in the order written). */
  readonly documented: boolean;
  /** For a test built through a wildcard: the test, and the wildcard to list it before (the fix). */
  readonly moved?: { readonly test: ValuePattern; readonly before: ValuePattern };
}

/** How a test is written in a pattern, for messages. */
export function testText(p: ValuePattern): string {
  switch (p.kind) {
    case 'exact-string': return JSON.stringify(p.value);
    case 'exact-literal': return String(p.value);
    case 'exact-number': return p.text;
    case 'prefix':
    case 'suffix':
      return JSON.stringify({ [p.kind]: p.ignoreCase ? { 'equals-ignore-case': p.value } : p.value });
    case 'equals-ignore-case': return JSON.stringify({ 'equals-ignore-case': p.value });
    case 'wildcard': return JSON.stringify({ wildcard: p.value });
    case 'anything-but': return JSON.stringify({ 'anything-but': p.numbers.length > 0 ? p.numbers : p.strings });
    case 'anything-but-prefix': return JSON.stringify({ 'anything-but': { prefix: p.values } });
    case 'anything-but-suffix': return JSON.stringify({ 'anything-but': { suffix: p.values } });
    case 'anything-but-ignore-case': return JSON.stringify({ 'anything-but': { 'equals-ignore-case': p.values } });
    case 'anything-but-wildcard': return JSON.stringify({ 'anything-but': { wildcard: p.values } });
    case 'numeric-equals': return JSON.stringify({ numeric: ['=', p.value] });
    case 'numeric': {
      const terms: Array<string | number> = [];
      if (p.lower !== undefined) terms.push(p.lowerOpen ? '>' : '>=', p.lower);
      if (p.upper !== undefined) terms.push(p.upperOpen ? '<' : '<=', p.upper);
      return JSON.stringify({ numeric: terms });
    }
    case 'cidr': return JSON.stringify({ cidr: p.text });
    case 'address': return JSON.stringify(p.text);
    case 'exists': return JSON.stringify({ exists: p.exists });
  }
}

function listText(tests: readonly ValuePattern[]): string {
  return `[${tests.map(testText).join(', ')}]`;
}

/** Event values that pass `p` alone (a missing value stands for an absent field). */
function witnessValues(p: ValuePattern): Array<EventScalar | undefined> {
  const candidates: Array<EventScalar | undefined> = [];
  switch (p.kind) {
    case 'exact-string': candidates.push(p.value); break;
    case 'exact-literal': candidates.push(p.value); break;
    case 'exact-number': candidates.push(p.value); break;
    case 'numeric-equals': candidates.push(p.value); break;
    case 'numeric': {
      const { lower, upper } = p;
      if (lower !== undefined && upper !== undefined) candidates.push((lower + upper) / 2);
      if (lower !== undefined) candidates.push(lower + 1, lower + 0.5, lower);
      if (upper !== undefined) candidates.push(upper - 1, upper - 0.5, upper);
      break;
    }
    case 'prefix': candidates.push(p.value, `${p.value}x`); break;
    case 'suffix': candidates.push(p.value, `x${p.value}`); break;
    case 'equals-ignore-case': candidates.push(p.value); break;
    case 'wildcard': candidates.push(p.value.replace(/\\([*\\])|\*/g, (_, escaped: string | undefined) => escaped ?? '')); break;
    case 'address': candidates.push(p.text); break;
    case 'cidr': candidates.push(p.text.split('/')[0]); break;
    case 'exists': candidates.push(p.exists ? 'x' : undefined); break;
    case 'anything-but':
      if (p.numbers.length > 0) {
        candidates.push(Math.max(0, ...p.numbers) + 1);
      } else {
        candidates.push('x', 'y', `${p.strings.join('')}x`);
      }
      break;
    default:
      candidates.push('x', 'y', '#', 'xyz');
  }
  return candidates.filter((v) => passes([p], v));
}

const predicates = new WeakMap<readonly ValuePattern[], (value: EventScalar) => boolean>();

/** Whether a field with these tests accepts the value (undefined: the field is absent). */
function passes(tests: readonly ValuePattern[], value: EventScalar | undefined): boolean {
  if (value === undefined) {
    return tests.some((t) => t.kind === 'exists' && !t.exists);
  }
  let predicate = predicates.get(tests);
  if (!predicate) {
    predicate = compileValuePredicate(tests);
    predicates.set(tests, predicate);
  }
  return predicate(value);
}

/** Whether a sub-rule accepts an event of flat fields. */
function accepts(rule: SubRule, event: ReadonlyMap<string, EventScalar>): boolean {
  for (const [field, tests] of rule) {
    if (!passes(tests, event.get(field))) {
      return false;
    }
  }
  return true;
}

/** Budget of combinations tried when looking for an event a skipped sub-rule loses. */
const MAX_COMBINATIONS = 2000;

/** An event matching `rule` and none of `kept`, or undefined when none is found. */
function lostEvent(rule: SubRule, kept: readonly SubRule[]): Map<string, EventScalar> | undefined {
  const fields = Array.from(rule.keys());
  const options = fields.map((f) => rule.get(f)!.flatMap((t) => witnessValues(t).slice(0, 2)));
  let tried = 0;
  const chosen: Array<EventScalar | undefined> = [];
  const search = (i: number): Map<string, EventScalar> | undefined => {
    if (i === fields.length) {
      if (++tried > MAX_COMBINATIONS) {
        return undefined;
      }
      const event = new Map<string, EventScalar>();
      fields.forEach((f, k) => {
        if (chosen[k] !== undefined) {
          event.set(f, chosen[k] as EventScalar);
        }
      });
      return accepts(rule, event) && !kept.some((k) => accepts(k, event)) ? event : undefined;
    }
    for (const v of options[i]) {
      chosen[i] = v;
      const found = search(i + 1);
      if (found || tried > MAX_COMBINATIONS) {
        return found;
      }
    }
    return undefined;
  };
  return search(0);
}

/**
 * The event as a JSON object: `detail.eventName` nested as `{"detail":{"eventName":..}}`, except a
 * name that is also the beginning of another name's path (`a` beside `a.b`): those stay dotted keys
 * at the top, which event-ruler reads as the same paths.
 */
export function witnessEvent(event: ReadonlyMap<string, EventScalar>): Record<string, unknown> {
  const names = Array.from(event.keys());
  const clashes = (name: string) => names.some((other) => other !== name && (other.startsWith(`${name}.`) || name.startsWith(`${other}.`)));
  // Without a prototype, so that a key such as `__proto__` is a key like any other.
  const root: Record<string, unknown> = Object.create(null);
  for (const [field, value] of event) {
    if (clashes(field) || field.split('.').includes('')) {
      root[field] = value;
      continue;
    }
    const parts = field.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (node[part] === undefined) {
        node[part] = Object.create(null);
      }
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return root;
}

function eventText(event: ReadonlyMap<string, EventScalar>): string {
  return JSON.stringify(witnessEvent(event));
}

function keyOf(p: ValuePattern): string {
  return JSON.stringify(p);
}

function overlappingBranches(subRules: readonly SubRule[], machine: RulerMachine): OrderDependence[] {
  const out: OrderDependence[] = [];
  const kept = machine.added.map((i) => subRules[i]);
  for (const skip of machine.skipped) {
    const rule = subRules[skip.index];
    const event = lostEvent(rule, kept);
    if (!event) {
      continue;
    }
    const earlier = subRules[skip.takenFor[0]];
    const differing = Array.from(rule.keys()).filter((f) => {
      const a = new Set(rule.get(f)!.map(keyOf));
      const b = earlier.get(f);
      return !b || b.length !== a.size || b.some((t) => !a.has(keyOf(t)));
    });
    const shown = differing.length > 0 ? differing : Array.from(rule.keys());
    const field = shown[0];
    const shared = rule.get(field)!.filter((t) => (earlier.get(field) ?? []).some((u) => keyOf(u) === keyOf(t)));
    const how = skip.certain ? 'drops it' : 'may drop it (depending on the order Java happens to visit its states in)';
    const fix = differing.length <= 1
      ? `merge the two branches into one whose "${field}" lists the values of both, ${listText(unionOf(earlier.get(field) ?? [], rule.get(field)!))}`
      : `remove the shared values (${listText(shared)} on "${field}") from one of the branches, or merge the branches where they differ in one field only`;
    out.push({
      id: OVERLAPPING_OR_BRANCHES_ID,
      message: `Event pattern has overlapping $or branches: a later branch with "${field}": ${listText(rule.get(field)!)} `
        + `shares ${listText(shared)} with an earlier branch with ${listText(earlier.get(field) ?? [])}, and the branches have `
        + 'the same fields and share a value in each, so event-ruler (the matcher EventBridge runs) takes the later branch for '
        + `a repeat of the earlier one and ${how}: an event such as ${eventText(event)} does not match, although the later `
        + 'branch matches it (with the branches in the other order it would). '
        + `Fix: ${fix}. (Warning id ${OVERLAPPING_OR_BRANCHES_ID}.)`,
      witness: event,
      documented: true,
    });
  }
  return out;
}

function unionOf(a: readonly ValuePattern[], b: readonly ValuePattern[]): ValuePattern[] {
  const seen = new Set(a.map(keyOf));
  return [...a, ...b.filter((t) => !seen.has(keyOf(t)))];
}

const NEGATIVE = new Set(['ANYTHING_BUT', 'ANYTHING_BUT_IGNORE_CASE', 'ANYTHING_BUT_PREFIX', 'ANYTHING_BUT_SUFFIX', 'ANYTHING_BUT_WILDCARD']);
const REVERSED = new Set(['SUFFIX', 'SUFFIX_EQUALS_IGNORE_CASE', 'ANYTHING_BUT_SUFFIX']);

/**
 * Values (without their quotes) the damaged test now also reaches. Its path is P, the character
 * that lands in the star state, R; the star loops on every byte, so P + M + R passes for any
 * non-empty M. Tried for M: that character with one more byte, one other byte, and the texts of the
 * field's wildcards with their stars left out or filled (values the wildcards' tests decide on).
 */
function damagedValues(pattern: RulerPattern, starText: readonly string[], before: readonly InputCharacterView[],
  after: readonly InputCharacterView[]): string[] {
  const bytesOf = (views: readonly InputCharacterView[]) => views.flatMap((v) => v ?? []);
  const reversed = REVERSED.has(pattern.type);
  const prefix = bytesOf(before.slice(0, -1));
  const landing = bytesOf(before.slice(-1));
  const rest = bytesOf(after);
  const middles: number[][] = [[...landing, 0x23], [0x23], [0x7e]];
  for (const text of starText) {
    for (const fill of ['', 'A']) {
      const literal = text.replace(/\\([*\\])|\*/g, (_, escaped: string | undefined) => escaped ?? fill);
      if (literal.length > 0) {
        middles.push(Array.from(Buffer.from(literal, 'utf8')));
      }
    }
  }
  // A prefix or suffix passes whatever follows (precedes) it: the wildcard's text again, there.
  const tails: number[][] = [[]];
  if (pattern.type.includes('PREFIX') || pattern.type.includes('SUFFIX')) {
    for (const text of starText) {
      const literal = text.replace(/\\([*\\])|\*/g, (_, escaped: string | undefined) => escaped ?? '');
      const bytes = Array.from(Buffer.from(literal, 'utf8'));
      tails.push(reversed ? bytes.reverse() : bytes);
    }
  }
  const prefixType = pattern.type === 'PREFIX' || pattern.type === 'PREFIX_EQUALS_IGNORE_CASE';
  // The value the machine's bytes stand for, without its quotes.
  const valueOf = (machineBytes: number[]): string | undefined => {
    const text = Buffer.from(reversed ? [...machineBytes].reverse() : machineBytes).toString('utf8');
    if (reversed) {
      return text.endsWith('"') ? text.slice(0, -1) : undefined;
    }
    if (!text.startsWith('"')) {
      return undefined;
    }
    const inner = text.slice(1);
    return prefixType ? inner : inner.endsWith('"') ? inner.slice(0, -1) : undefined;
  };
  const out = new Set<string>();
  for (const middle of middles) {
    for (const tail of tails) {
      const value = valueOf([...prefix, ...(reversed ? [...middle].reverse() : middle), ...rest, ...tail]);
      if (value !== undefined) {
        out.add(value);
      }
    }
  }
  return Array.from(out);
}

const singleTests = new WeakMap<ValuePattern, readonly ValuePattern[]>();

/** Whether `t` alone passes the value (as documented). */
function passesTest(t: ValuePattern, value: EventScalar | undefined): boolean {
  let list = singleTests.get(t);
  if (!list) {
    list = [t];
    singleTests.set(t, list);
  }
  return passes(list, value);
}

/** What event-ruler's damaged paths do on one field: each damaged test's extra language. */
type Damage = ReadonlyMap<string, ReadonlyArray<{ readonly type: MatchType; readonly language: RegExp }>>;

/** A field's answer in event-ruler with these damaged paths (by the key of the damaged test). */
function passesDamaged(tests: readonly ValuePattern[], value: EventScalar | undefined, damage: Damage | undefined): boolean {
  if (!damage || typeof value !== 'string') {
    return passes(tests, value);
  }
  return tests.some((t) => {
    const paths = rulerPatterns(t).flatMap((p) => damage.get(p.key) ?? []);
    const documented = passesTest(t, value);
    if (paths.length === 0) {
      return documented;
    }
    const reached = paths.some((d) => d.language.test(pathText(d.type, value)));
    return NEGATIVE.has(paths[0].type) ? documented && !reached : documented || reached;
  });
}

function testsThroughWildcards(subRules: readonly SubRule[], machine: RulerMachine): OrderDependence[] {
  const out: OrderDependence[] = [];
  const reported = new Set<string>();
  const kept = machine.added.map((i) => subRules[i]);
  // The damage this build does for certain; a test that another HashSet order could damage is studied
  // with its own damage added.
  const damageOf = (extra?: typeof machine.starReuses[number]) => {
    const byField = new Map<string, Map<string, Array<{ type: MatchType; language: RegExp }>>>();
    for (const reuse of machine.starReuses) {
      if (!reuse.certain && reuse !== extra) {
        continue;
      }
      const byKey = byField.get(reuse.field) ?? new Map<string, Array<{ type: MatchType; language: RegExp }>>();
      byField.set(reuse.field, byKey);
      byKey.set(reuse.pattern.key, [...(byKey.get(reuse.pattern.key) ?? []), { type: reuse.pattern.type, language: reuse.language }]);
    }
    return byField;
  };
  for (const reuse of machine.starReuses) {
    const damageByField = damageOf(reuse);
    const rulerAccepts = (rule: SubRule, event: ReadonlyMap<string, EventScalar>) =>
      Array.from(rule).every(([field, tests]) => passesDamaged(tests, event.get(field), damageByField.get(field)));
    const rule = subRules[reuse.subRule];
    const key = `${reuse.field}\u0000${reuse.pattern.key}`;
    if (!rule.get(reuse.field) || reported.has(key)) {
      continue;
    }
    // The other fields of the sub-rule as it wants them.
    const base = new Map<string, EventScalar>();
    for (const [field, fieldTests] of rule) {
      const v = field === reuse.field ? undefined : fieldTests.flatMap(witnessValues)[0];
      if (v !== undefined) {
        base.set(field, v);
      }
    }
    let found: { value: string; event: Map<string, EventScalar>; documented: boolean } | undefined;
    const candidates = [
      ...damagedValues(reuse.pattern, starTexts(subRules, reuse.field), reuse.before, reuse.after),
      ...vocabulary(subRules, reuse.field).filter((v) => reuse.language.test(pathText(reuse.pattern.type, v))),
    ];
    for (const value of candidates) {
      const event = new Map(base).set(reuse.field, value);
      const documented = subRules.some((r) => accepts(r, event));
      if (documented !== kept.some((r) => rulerAccepts(r, event))) {
        found = { value, event, documented };
        break;
      }
    }
    if (!found) {
      continue;
    }
    const { value, event, documented } = found;
    reported.add(key);
    const negative = NEGATIVE.has(reuse.pattern.type);
    const how = reuse.certain ? 'builds' : 'may build (depending on the order Java happens to visit its states in)';
    const test = testText(reuse.pattern.source);
    const wildcard = testText(reuse.star.source);
    const effect = negative
      ? `so it also refuses values such as ${JSON.stringify(value)}: an event such as ${eventText(event)} does not match`
      : `so it also passes values such as ${JSON.stringify(value)}: an event such as ${eventText(event)} matches`;
    out.push({
      id: TEST_THROUGH_WILDCARD_ID,
      message: `Event pattern's field "${reuse.field}": event-ruler (the matcher EventBridge runs) ${how} ${test} through the `
        + `* of ${wildcard}, which comes before it on this field, ${effect}; listed the other way round it would not. `
        + `Fix: list ${test} before ${wildcard} (event-ruler builds a field's tests in the order written, $or branches first to `
        + `last), or test the two on different fields. (Warning id ${TEST_THROUGH_WILDCARD_ID}.)`,
      witness: event,
      documented,
      moved: { test: reuse.pattern.source, before: reuse.star.source },
    });
  }
  return out;
}

/**
 * Strings the pattern's tests of a field are about (values, wildcard texts with their stars left out
 * or filled), each also in upper and lower case and with a character before or after: values some
 * test decides on, to find one the damaged test gets wrong.
 */
function vocabulary(subRules: readonly SubRule[], field: string): string[] {
  const out = new Set<string>();
  const add = (v: string) => {
    for (const w of [v, v.toUpperCase(), v.toLowerCase()]) {
      out.add(w);
      out.add(`#${w}`);
      out.add(`${w}#`);
    }
  };
  for (const rule of subRules) {
    for (const t of rule.get(field) ?? []) {
      switch (t.kind) {
        case 'exact-string':
        case 'equals-ignore-case':
        case 'prefix':
        case 'suffix':
          add(t.value);
          break;
        case 'wildcard':
          for (const fill of ['', 'A']) add(t.value.replace(/\\([*\\])|\*/g, (_, escaped: string | undefined) => escaped ?? fill));
          break;
        case 'anything-but':
          t.strings.forEach(add);
          break;
        case 'anything-but-prefix':
        case 'anything-but-suffix':
        case 'anything-but-ignore-case':
          t.values.forEach(add);
          break;
        case 'anything-but-wildcard':
          for (const v of t.values) for (const fill of ['', 'A']) add(v.replace(/\\([*\\])|\*/g, (_, escaped: string | undefined) => escaped ?? fill));
          break;
        default:
          break;
      }
    }
  }
  return Array.from(out);
}

/** The texts of the wildcards tested on a field, anywhere in the pattern. */
function starTexts(subRules: readonly SubRule[], field: string): string[] {
  const out = new Set<string>();
  for (const rule of subRules) {
    for (const t of rule.get(field) ?? []) {
      if (t.kind === 'wildcard') {
        out.add(t.value);
      } else if (t.kind === 'anything-but-wildcard') {
        t.values.forEach((v) => out.add(v));
      }
    }
  }
  return Array.from(out);
}

function findingsOf(subRules: readonly SubRule[], machine: RulerMachine): OrderDependence[] {
  return [...overlappingBranches(subRules, machine), ...testsThroughWildcards(subRules, machine)];
}

/** At most this many HashSet decisions are varied (2^6 builds). */
const MAX_VARIED_DECISIONS = 6;

/**
 * The order-dependent places of a compiled pattern (its sub-rules, as pattern-compiler expands them).
 * Where Java's HashSet order decided how the machine was built (its iteration order follows identity
 * hashes, so it changes from run to run), the machine is built again with the other choices too, and
 * what those builds go wrong on is added.
 */
export function orderDependence(subRules: readonly SubRule[], machine = new RulerMachine(subRules)): OrderDependence[] {
  const found = findingsOf(subRules, machine);
  const decisions = Math.min(machine.orderDecisions, MAX_VARIED_DECISIONS);
  if (decisions === 0) {
    return found;
  }
  const seen = new Set(found.map((f) => `${f.id}\u0000${f.message}`));
  for (let mask = 1; mask < 1 << decisions; mask++) {
    const choice = Array.from({ length: decisions }, (_, k) => (mask >> k) & 1);
    for (const f of findingsOf(subRules, new RulerMachine(subRules, choice))) {
      const key = `${f.id}\u0000${f.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        found.push(f);
      }
    }
  }
  return found;
}
