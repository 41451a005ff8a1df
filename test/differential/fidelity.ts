/**
 * Checks of the differential run beyond "same answer for the same pair" (run.ts calls them):
 *
 * - Wildcard complexity: the engine's score (wildcard-complexity.ts) against event-ruler's
 *   `Machine.evaluateComplexity` (harness `complexity` mode) for every pattern of the run with a
 *   wildcard, and for generated patterns aimed at what decides it: `$or` branches sharing a field,
 *   wildcards beside an `$or`, `anything-but` wildcard lists, the same wildcard twice.
 * - Order dependence, both ways. Every warning the engine gives for a pattern whose answer depends on
 *   the order of `$or` branches or values (private/order-dependence.ts) must show in event-ruler: on
 *   the warning's witness event, event-ruler's answer must change when lists and `$or` branches are
 *   reordered. And generated patterns built near those shapes that the engine does not flag are
 *   probed the same way, to count what the warnings miss.
 * - The case-folding table (src/patterns/engine/private/java-case-mappings.ts) against the reference
 *   Java's own answers, when that Java is the one the table is pinned to.
 */
import * as fs from 'fs';
import * as path from 'path';
import { JsonObject, JsonValue, num, obj, parseJson, writeJson } from './json-text';
import { ComplexityAnswer, ReferenceAnswer, startBatch, startModeBatch } from './reference-engine';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { checkPatternText } from '../../src/patterns/engine/pattern-check';
import { compilePattern } from '../../src/patterns/engine/pattern-compiler';
import { testText, witnessEvent } from '../../src/patterns/engine/private/order-dependence';
import { ValuePattern } from '../../src/patterns/engine/value-patterns';
import { scorePattern } from '../../src/patterns/engine/wildcard-complexity';
import { CASE_MAPPINGS_FILE, javaCaseMappings, javaFeatureVersion, renderCaseMappings } from '../../tools/event-ruler/generate-case-mappings';

/** A small seeded generator (mulberry32), separate from the main run's fast-check stream. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

// ---- generated patterns near the order-dependent shapes ----

const A_VALUES: readonly JsonValue[] = ['x', 'y', 'z', 'CreateUser', 'DeleteUser', obj(['prefix', 'x']), obj(['equals-ignore-case', 'y'])];
const B_TESTS: readonly JsonValue[] = [
  ...['*User', '*x', '1*x', 'x*', '*', '*x*', 'G*User', 'ab*', '*\u00e9'].map((w) => obj(['wildcard', w])),
  ...['x', 'X', '1x', 'xy', '\u00e9', 'User', 'g', 'Get'].map((v) => obj(['equals-ignore-case', v])),
  obj(['prefix', obj(['equals-ignore-case', 'xy'])]), obj(['prefix', obj(['equals-ignore-case', 'u'])]),
  obj(['suffix', obj(['equals-ignore-case', 'xy'])]), obj(['suffix', obj(['equals-ignore-case', 'er'])]),
  obj(['anything-but', obj(['equals-ignore-case', 'x'])]), obj(['anything-but', obj(['wildcard', '*User'])]),
  'x', 'GetRole', '1x', obj(['prefix', 'x']), obj(['suffix', 'r']),
];
const EVENT_VALUES: readonly string[] = [
  'x', 'X', 'y', 'z', 'q', 'x#', '1x#', '1x', 'GetRole', 'User', 'AUser', 'xy', 'XY', 'x#y', 'xy#', '\u00e9', '\u00e9#',
  'CreateUser', 'DeleteUser', 'Get', 'g#', 'ur', 'r',
];

function aList(r: Random): JsonValue[] {
  const n = r.int(1, 3);
  const out: JsonValue[] = [];
  for (let i = 0; i < n; i++) {
    const v = r.pick(A_VALUES);
    if (!out.includes(v)) {
      out.push(v);
    }
  }
  return out;
}

function aBranch(r: Random, fields: readonly string[]): JsonObject {
  const chosen = fields.filter(() => r.chance(0.7));
  const keys = chosen.length > 0 ? chosen : [r.pick(fields)];
  return new JsonObject(keys.map((k) => [k, aList(r)]));
}

/** Overlapping `$or` branches (often sharing values, fields and a common field). */
function overlappingBranchesPattern(r: Random): JsonObject {
  const fields = r.chance(0.5) ? ['a'] : ['a', 'b'];
  const branches = Array.from({ length: r.int(2, 3) }, () => aBranch(r, fields));
  if (r.chance(0.2)) {
    branches[r.int(0, branches.length - 1)] = obj(['$or', [aBranch(r, fields), aBranch(r, fields)]]);
  }
  const entries: Array<[string, JsonValue]> = [['$or', branches]];
  if (r.chance(0.3)) {
    entries.unshift(['source', ['s']]);
  }
  return new JsonObject(entries);
}

function bList(r: Random): JsonValue[] {
  return Array.from({ length: r.int(1, 3) }, () => r.pick(B_TESTS));
}

/** Wildcards beside case-insensitive and other string tests on one field, in a list or across branches. */
function wildcardMixPattern(r: Random): JsonObject {
  if (r.chance(0.5)) {
    return obj(['a', [...bList(r), ...bList(r)].slice(0, 4)]);
  }
  const branches = Array.from({ length: r.int(2, 3) }, () => (r.chance(0.2) ? obj(['a', bList(r)], ['b', ['x']]) : obj(['a', bList(r)])));
  return obj(['$or', branches]);
}

/** One generated pattern near the order-dependent shapes, with events near it. */
export interface ShapeCase {
  readonly id: string;
  readonly pattern: string;
  readonly events: readonly string[];
  readonly label: string;
}

export function orderShapeCases(seed: number, count: number): ShapeCase[] {
  const r = new Random(seed ^ 0x5eed0de7);
  const out: ShapeCase[] = [];
  for (let i = 0; i < count; i++) {
    const overlapping = r.chance(0.5);
    const pattern = overlapping ? overlappingBranchesPattern(r) : wildcardMixPattern(r);
    const events = Array.from({ length: 6 }, () => {
      const fields: Array<[string, JsonValue]> = [['a', r.pick(EVENT_VALUES)]];
      if (overlapping && r.chance(0.6)) fields.push(['b', r.pick(EVENT_VALUES)]);
      if (r.chance(0.7)) fields.push(['source', 's']);
      if (!overlapping && r.chance(0.3)) fields.push(['b', 'x']);
      return writeJson(new JsonObject(fields));
    });
    out.push({ id: `order:${i}`, pattern: writeJson(pattern), events, label: overlapping ? 'overlapping-or-branches' : 'wildcard-with-other-tests' });
  }
  return out;
}

// ---- generated patterns for wildcard complexity ----

function wildcardText(r: Random): string {
  let text = '';
  let lastStar = false;
  for (let i = r.int(1, 5); i > 0; i--) {
    if (!lastStar && r.chance(0.5)) {
      text += '*';
      lastStar = true;
    } else {
      text += r.pick(['a', 'b', 'ab', 'ba', 'x', '"', '\u00e9']);
      lastStar = false;
    }
  }
  return text;
}

function complexityTest(r: Random): JsonValue {
  const roll = r.next();
  if (roll < 0.45) return obj(['wildcard', wildcardText(r)]);
  if (roll < 0.6) return obj(['anything-but', obj(['wildcard', r.chance(0.4) ? wildcardText(r) : Array.from({ length: r.int(2, 3) }, () => wildcardText(r))])]);
  if (roll < 0.7) return r.pick(['a', 'ab', 'x']);
  if (roll < 0.78) return obj(['prefix', r.pick(['a', 'ab'])]);
  if (roll < 0.84) return obj(['equals-ignore-case', r.pick(['ab', 'x'])]);
  if (roll < 0.9) return obj(['exists', r.chance(0.5)]);
  if (roll < 0.95) return obj(['suffix', 'b']);
  return obj(['numeric', ['>', num(1)]]);
}

function complexityNode(r: Random, depth: number): JsonObject {
  const entries: Array<[string, JsonValue]> = [];
  for (let i = r.int(1, 2); i > 0; i--) {
    if (depth < 2 && r.chance(0.35)) {
      entries.push(['$or', Array.from({ length: r.int(2, 4) }, () => complexityNode(r, depth + 1))]);
    } else {
      entries.push([r.pick(['f', 'g', 'h']), Array.from({ length: r.int(1, 3) }, () => complexityTest(r))]);
    }
  }
  return new JsonObject(entries);
}

/** Patterns whose score depends on how event-ruler shares the states of `$or` branches and lists. */
export function complexityPatterns(seed: number, count: number): string[] {
  const r = new Random(seed ^ 0xc0ffee);
  return Array.from({ length: count }, () => writeJson(complexityNode(r, 0)));
}

/** A score outside the range of event-ruler's. */
export interface ComplexityMismatch {
  readonly pattern: string;
  readonly engine: number;
  readonly rulerMin: number;
  readonly rulerMax: number;
}

/** Compares the engine's wildcard complexity with event-ruler's for every valid pattern with a wildcard. */
export async function compareComplexity(jar: string, patterns: readonly string[]):
Promise<{ compared: number; varying: number; mismatches: ComplexityMismatch[] }> {
  const scored = new Map<string, number>();
  for (const text of new Set(patterns)) {
    if (!text.includes('wildcard')) continue;
    try {
      const compiled = compilePattern(text, 1000);
      if (compiled.subRules.length > 0 && compiled.unbuildable.length === 0) {
        scored.set(text, scorePattern(compiled.subRules));
      }
    } catch {
      // Invalid: the pair comparison judges it.
    }
  }
  const texts = Array.from(scored.keys());
  const answers = await startModeBatch<ComplexityAnswer>(jar, 'complexity', texts.map((pattern, i) => ({ id: String(i), pattern })));
  const mismatches: ComplexityMismatch[] = [];
  let compared = 0;
  let varying = 0;
  texts.forEach((pattern, i) => {
    const answer = answers.get(String(i));
    if (answer?.min === undefined || answer.max === undefined) return;
    compared++;
    varying += answer.min !== answer.max ? 1 : 0;
    const engine = scored.get(pattern)!;
    if (engine < answer.min || engine > answer.max) {
      mismatches.push({ pattern, engine, rulerMin: answer.min, rulerMax: answer.max });
    }
  });
  return { compared, varying, mismatches };
}

// ---- order dependence ----

/**
 * The pattern with some of its `$or` arrays and value lists (two or more elements) reversed or
 * rotated: every subset reversed when there are at most six, else each one alone and all at once.
 */
export function reorderings(patternText: string, max = 80): string[] {
  let root: JsonValue;
  try {
    root = parseJson(patternText);
  } catch {
    return [];
  }
  const lists: Array<[string, JsonValue]> = [];
  const walk = (v: JsonValue) => {
    if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v instanceof JsonObject) {
      for (const entry of v.entries) {
        if (Array.isArray(entry[1]) && entry[1].length > 1) {
          lists.push(entry);
        }
        if (entry[0] === '$or' || entry[1] instanceof JsonObject) {
          walk(entry[1]);
        }
      }
    }
  };
  walk(root);
  const originals = lists.map((e) => e[1] as JsonValue[]);
  const out = new Set<string>();
  const emit = (transform: (i: number, list: JsonValue[]) => JsonValue[]) => {
    lists.forEach((e, i) => { e[1] = transform(i, originals[i]); });
    out.add(writeJson(root));
    lists.forEach((e, i) => { e[1] = originals[i]; });
  };
  const subsets = lists.length <= 6
    ? Array.from({ length: (1 << lists.length) - 1 }, (_, m) => m + 1)
    : [...lists.map((_, i) => 1 << i), -1];
  for (const mask of subsets) {
    emit((i, list) => (mask === -1 || (mask & (1 << i)) !== 0 ? [...list].reverse() : list));
  }
  lists.forEach((_, k) => {
    if (originals[k].length > 2) {
      emit((i, list) => (i === k ? [...list.slice(1), list[0]] : list));
    }
  });
  // Wildcards (or branches holding one) last, then first, everywhere: what the warnings' fixes do.
  const hasWildcard = (v: JsonValue): boolean => writeJson(v).includes('"wildcard"');
  const partition = (list: JsonValue[], last: boolean) =>
    [...list.filter((v) => hasWildcard(v) !== last), ...list.filter((v) => hasWildcard(v) === last)];
  emit((_, list) => partition(list, true));
  emit((_, list) => partition(list, false));
  out.delete(writeJson(root));
  return Array.from(out).slice(0, max);
}

/**
 * The pattern's `$or` combinations as patterns of their own (flattened field names as keys), each
 * as written, with its value lists reversed, and with wildcards listed last: by AWS's definition the
 * pattern matches when one of them does.
 */
export function subRulePatterns(patternText: string, maxSubRules = 32): string[][] {
  let subRules;
  try {
    subRules = compilePattern(patternText, 1000).subRules;
  } catch {
    return [];
  }
  if (subRules.length === 0 || subRules.length > maxSubRules) {
    return [];
  }
  const isWildcard = (t: ValuePattern) => t.kind === 'wildcard' || t.kind === 'anything-but-wildcard';
  const orders: Array<(tests: readonly ValuePattern[]) => readonly ValuePattern[]> = [
    (tests) => tests,
    (tests) => [...tests].reverse(),
    (tests) => [...tests.filter((t) => !isWildcard(t)), ...tests.filter(isWildcard)],
  ];
  const text = (rule: ReadonlyMap<string, readonly ValuePattern[]>, order: (tests: readonly ValuePattern[]) => readonly ValuePattern[]) =>
    `{${Array.from(rule).map(([field, tests]) => `${JSON.stringify(field)}:[${order(tests).map(testText).join(',')}]`).join(',')}}`;
  return subRules.map((rule) => orders.map((order) => text(rule, order)));
}

/** The engine's reading of one test written in a pattern, to find a warning's tests in the text. */
function testIdentity(test: JsonValue): string | undefined {
  try {
    return JSON.stringify(compilePattern(`{"x":[${writeJson(test)}]}`, 10).subRules[0].get('x')![0]);
  } catch {
    return undefined;
  }
}

/**
 * The pattern with a warning's fix applied: `test` moved before `before` in the innermost list or
 * `$or` that holds both (their own list, or the branches they are in). Undefined when not found.
 */
export function moveBefore(patternText: string, test: ValuePattern, before: ValuePattern): string | undefined {
  let root: JsonValue;
  try {
    root = parseJson(patternText);
  } catch {
    return undefined;
  }
  type Step = { readonly array: JsonValue[]; readonly index: number };
  const occurrences = new Map<string, Step[][]>();
  const wanted = new Set([JSON.stringify(test), JSON.stringify(before)]);
  const walk = (v: JsonValue, chain: Step[], inList: boolean) => {
    if (Array.isArray(v)) {
      v.forEach((el, index) => {
        const here = [...chain, { array: v, index }];
        if (inList) {
          const id = testIdentity(el);
          if (id !== undefined && wanted.has(id)) {
            occurrences.set(id, [...(occurrences.get(id) ?? []), here]);
          }
        }
        walk(el, here, false);
      });
    } else if (v instanceof JsonObject) {
      for (const [key, child] of v.entries) {
        walk(child, chain, key !== '$or' && Array.isArray(child));
      }
    }
  };
  walk(root, [], false);
  for (const t of occurrences.get(JSON.stringify(test)) ?? []) {
    for (const w of occurrences.get(JSON.stringify(before)) ?? []) {
      let i = 0;
      while (i < t.length && i < w.length && t[i].array === w[i].array && t[i].index === w[i].index) {
        i++;
      }
      if (i < t.length && i < w.length && t[i].array === w[i].array && w[i].index < t[i].index) {
        const list = t[i].array;
        const [moved] = list.splice(t[i].index, 1);
        list.splice(w[i].index, 0, moved);
        return writeJson(root);
      }
    }
  }
  return undefined;
}

/** A warning checked against event-ruler. */
export interface CheckedFinding {
  readonly pattern: string;
  readonly id: string;
  readonly event: string;
  readonly documented: boolean;
  /** event-ruler's answer on the pattern as written. */
  readonly asWritten: boolean | undefined;
  /**
   * Whether event-ruler's answer on the witness changes with order: some reordering, the warning's
   * own fix, or the combinations taken apart.
   */
  readonly confirmed: boolean;
  /** Whether that holds for some warning of the same pattern. */
  readonly patternConfirmed: boolean;
}

/** Asks event-ruler about each pattern (as written and reordered) on each event; answers by pattern, then event. */
async function answersUnderReordering(jar: string, cases: ReadonlyArray<{ pattern: string; events: readonly string[] }>, copies = 5):
Promise<Array<Array<Array<boolean | undefined>>>> {
  const requests: Array<{ id: string; pattern: string; event: string }> = [];
  const shapes = cases.map((c, ci) => {
    // The pattern again, spaced differently: built later in the run, at other identity hashes, for
    // what Java's HashSet order decides (a choice between two states goes one way about half the time).
    const spaced = Array.from({ length: copies }, (_, n) => `${c.pattern}${' '.repeat(n + 1)}`);
    const variants = [c.pattern, ...spaced, ...reorderings(c.pattern)];
    variants.forEach((v, vi) => c.events.forEach((e, ei) => requests.push({ id: `${ci}:${vi}:${ei}`, pattern: v, event: e })));
    return variants.length;
  });
  const answers: Map<string, ReferenceAnswer> = requests.length > 0 ? await startBatch(jar, requests) : new Map();
  return cases.map((c, ci) => c.events.map((_, ei) => Array.from({ length: shapes[ci] }, (__, vi) => answers.get(`${ci}:${vi}:${ei}`)?.match)));
}

/** Every order-dependence warning the engine gives for these patterns, with event-ruler's verdict. */
export async function checkOrderFindings(jar: string, patterns: readonly string[]): Promise<CheckedFinding[]> {
  const findings: Array<Omit<CheckedFinding, 'asWritten' | 'confirmed' | 'patternConfirmed'> & { readonly fixed?: string }> = [];
  for (const pattern of new Set(patterns)) {
    const outcome = checkPatternText(pattern, Number.MAX_SAFE_INTEGER);
    for (const f of outcome.orderDependence ?? []) {
      const fixed = f.moved ? moveBefore(pattern, f.moved.test, f.moved.before) : undefined;
      findings.push({ pattern, id: f.id, event: JSON.stringify(witnessEvent(f.witness)), documented: f.documented, fixed });
    }
  }
  const answers = await answersUnderReordering(jar, findings.map((f) => ({ pattern: f.pattern, events: [f.event] })), 20);
  // The warning's own fix, applied: event-ruler's answer on the witness must change with it too.
  const withFix = findings.map((f, i) => ({ f, i })).filter(({ f }) => f.fixed !== undefined);
  const fixAnswers = withFix.length > 0
    ? await startBatch(jar, withFix.map(({ f, i }) => ({ id: String(i), pattern: f.fixed!, event: f.event })))
    : new Map<string, ReferenceAnswer>();
  const checked = findings.map((f, i) => {
    const [forEvent] = answers[i];
    const known = forEvent.filter((a): a is boolean => a !== undefined);
    const fixedAnswer = fixAnswers.get(String(i))?.match;
    const { fixed: _, ...rest } = f;
    return { ...rest, asWritten: forEvent[0], confirmed: new Set(known).size > 1 || (fixedAnswer !== undefined && fixedAnswer !== forEvent[0]) };
  });
  // Several tests built through stars can each pass the witness, in every order of the whole: then
  // the combinations as patterns of their own, wildcards listed last, answer as AWS documents.
  const open = checked.map((c, i) => ({ c, i, split: subRulePatterns(c.pattern) })).filter(({ c, split }) => !c.confirmed && split.length > 0);
  const requests = open.flatMap(({ c, i, split }) => split.map((variants, k) => ({ id: `${i}:${k}`, pattern: variants[2], event: c.event })));
  const splitAnswers = requests.length > 0 ? await startBatch(jar, requests) : new Map<string, ReferenceAnswer>();
  for (const { c, i, split } of open) {
    const parts = split.map((_, k) => splitAnswers.get(`${i}:${k}`)?.match);
    if (parts.every((m) => m !== undefined) && parts.some((m) => m) !== c.asWritten) {
      checked[i] = { ...c, confirmed: true };
    }
  }
  // A warning that depends on a HashSet order event-ruler did not take in this run can go unseen on
  // its own witness while another warning of the pattern shows: the pattern is what is checked.
  const shown = new Set(checked.filter((c) => c.confirmed).map((c) => c.pattern));
  return checked.map((c) => ({ ...c, patternConfirmed: shown.has(c.pattern) }));
}

/**
 * Generated shape patterns the engine does not flag on which event-ruler's answer still changes with
 * order: `wrong` where event-ruler's answer as written is not the documented one on some event (what
 * a warning should have caught), `fragile` where only another order goes wrong.
 */
export async function unflaggedOrderDependence(jar: string, cases: readonly ShapeCase[]): Promise<{ wrong: ShapeCase[]; fragile: ShapeCase[] }> {
  const unflagged = cases.filter((c) => {
    const outcome = checkPatternText(c.pattern, Number.MAX_SAFE_INTEGER);
    return outcome.errors.length === 0 && (outcome.orderDependence ?? []).length === 0;
  });
  const answers = await answersUnderReordering(jar, unflagged);
  const wrong: ShapeCase[] = [];
  const fragile: ShapeCase[] = [];
  unflagged.forEach((c, i) => {
    if (!answers[i].some((perVariant) => new Set(perVariant.filter((a) => a !== undefined)).size > 1)) {
      return;
    }
    const matcher = EventPatternMatcher.fromJson(c.pattern, { maxPatternLength: Number.MAX_SAFE_INTEGER });
    const asWrittenWrong = c.events.some((event, e) => answers[i][e][0] !== undefined && answers[i][e][0] !== matcher.matches(event));
    (asWrittenWrong ? wrong : fragile).push(c);
  });
  return { wrong, fragile };
}

// ---- the case-folding table ----

/** Whether the committed case table equals the reference Java's answers ('skipped' on another Java version). */
export function checkCaseMappings(): { status: 'ok' | 'differs' | 'skipped'; detail: string } {
  const table = fs.readFileSync(path.join(__dirname, '..', '..', CASE_MAPPINGS_FILE), 'utf8');
  const pinned = /JAVA_CASE_MAPPINGS_JAVA_VERSION = '([^']+)'/.exec(table)?.[1] ?? '?';
  const java = javaCaseMappings();
  if (javaFeatureVersion(java.javaVersion) !== javaFeatureVersion(pinned)) {
    return { status: 'skipped', detail: `table pinned to Java ${pinned}, the reference runs Java ${java.javaVersion}` };
  }
  const body = (t: string) => t.split('\n').filter((line) => !line.startsWith('// ~~') && !line.includes('JAVA_VERSION =')).join('\n');
  return body(renderCaseMappings(java)) === body(table)
    ? { status: 'ok', detail: `${java.mappings.length} code units equal Java ${java.javaVersion}'s` }
    : { status: 'differs', detail: `${CASE_MAPPINGS_FILE} differs from Java ${java.javaVersion}'s case mappings; run npx projen generate:java-case-mappings` };
}
