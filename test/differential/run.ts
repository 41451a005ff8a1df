/**
 * Differential check of the TypeScript event-pattern engine against aws/event-ruler, the engine
 * behind EventBridge. Not a jest test (it needs Java): `npx projen test:differential`, after
 * `npx projen event-ruler:build`.
 *
 *   --pairs N     generated (pattern, event) pairs (default 100000)
 *   --seed S      replay a run (each run prints its seed)
 *   --show N      disagreements printed in full (default 10)
 *   --minimize N  disagreements shrunk to a minimal pair first (default 5)
 *   --jar PATH    harness jar (default tools/event-ruler/target/event-ruler-harness.jar)
 *
 * The last line is always `differential: N passed, M failed` (CI reads it); exit 1 on any failure.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { EngineAnswer, EngineUnderTest } from './engine-under-test';
import { checkCaseMappings, checkOrderFindings, compareComplexity, complexityPatterns, orderShapeCases, reorderings, subRulePatterns, unflaggedOrderDependence } from './fidelity';
import { hasDuplicateKeys, JsonObject, JsonValue, parseJson, survivesJsonParse, writeJson } from './json-text';
import { minimize } from './minimize';
import { generatePairs } from './pattern-generators';
import { assertJarBuilt, DEFAULT_JAR, InteractiveReference, javaRuntime, ReferenceAnswer, startBatch } from './reference-engine';
import { checkPatternText } from '../../src/patterns/engine/pattern-check';

interface Options {
  pairs: number;
  seed: number;
  show: number;
  minimize: number;
  jar: string;
  shapes: number;
  complexity: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { pairs: 100000, seed: Date.now() % 2147483647, show: 10, minimize: 5, jar: DEFAULT_JAR, shapes: 1500, complexity: 3000 };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    const int = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) {
        throw new Error(`${argv[i]} needs a whole number, got '${value}'`);
      }
      i++;
      return n;
    };
    switch (argv[i]) {
      case '--pairs': options.pairs = int(); break;
      case '--seed': options.seed = int(); break;
      case '--show': options.show = int(); break;
      case '--minimize': options.minimize = int(); break;
      case '--jar': options.jar = path.resolve(value); i++; break;
      case '--shapes': options.shapes = int(); break;
      case '--complexity': options.complexity = int(); break;
      default: throw new Error(`unknown option '${argv[i]}' (known: --pairs, --seed, --show, --minimize, --jar, --shapes, --complexity)`);
    }
  }
  return options;
}

/** One comparison: a pattern and an event, or a pattern alone (validity only). */
interface DiffPair {
  readonly id: string;
  readonly source: string;
  readonly pattern: string;
  readonly event: string;
  readonly validityOnly: boolean;
  readonly labels: readonly string[];
  /** 'generated', 'invalid', 'limits', 'corpus', or the provider's name. */
  readonly group: string;
  /** The corpus's recorded expectation, checked against event-ruler itself. */
  readonly expected?: string;
  readonly plainEvent: boolean;
}

// ---- sources ----

interface ConformanceCase {
  id: string;
  kind: 'match' | 'validity';
  pattern_json: string;
  event_json: string | null;
  expected: string;
  operators: string[];
}

function corpusPairs(): DiffPair[] {
  const file = path.join(__dirname, '..', 'fixtures', 'pattern-conformance.json');
  const cases = JSON.parse(fs.readFileSync(file, 'utf8')) as ConformanceCase[];
  return cases.map((c) => ({
    id: c.id,
    source: 'corpus',
    pattern: c.pattern_json,
    event: c.event_json ?? '{}',
    validityOnly: c.kind === 'validity',
    labels: c.operators,
    group: 'corpus',
    expected: c.expected,
    plainEvent: c.event_json !== null && survivesJsonParse(c.event_json),
  }));
}

interface ProviderPair {
  id: string;
  pattern: unknown;
  event: unknown;
}

interface ProviderResult {
  readonly name: string;
  readonly pairs: DiffPair[];
  /** Set when the provider could not be loaded or run: a failure of the run, not a skip. */
  readonly error?: string;
}

async function providerPairs(): Promise<ProviderResult[]> {
  const dir = path.join(__dirname, 'providers');
  if (!fs.existsSync(dir)) {
    return [];
  }
  // ts-node registers .ts with require; a dynamic import() would bypass it.
  const load = createRequire(__filename);
  const out: ProviderResult[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()) {
    const name = path.basename(file, '.ts');
    try {
      const mod = load(path.join(dir, file)) as { pairs?: () => ProviderPair[] | Promise<ProviderPair[]> };
      if (typeof mod.pairs !== 'function') {
        throw new Error(`provider ${file} must export pairs(): Array<{ id, pattern, event }>`);
      }
      const text = (v: unknown) => typeof v === 'string' ? v : JSON.stringify(v);
      const pairs = (await mod.pairs()).map((p): DiffPair => {
        const event = text(p.event);
        return {
          id: `${name}:${p.id}`,
          source: name,
          pattern: text(p.pattern),
          event,
          validityOnly: false,
          labels: [],
          group: name,
          plainEvent: survivesJsonParse(event),
        };
      });
      out.push({ name, pairs });
    } catch (e) {
      out.push({ name, pairs: [], error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

// ---- comparison ----

/** Match disagreements checked for event-ruler contradicting itself (each costs a few more queries). */
const MAX_SELF_CONTRADICTION_PROBES = 20000;
/** Whole-pattern reorderings (lists and `$or` branches) tried per probed disagreement. */
const MAX_REORDERINGS_PER_PROBE = 16;
const PATTERN_LENGTH_LIMIT = 2048;
const OR_COMBINATION_LIMIT = 1000;

/** Product of $or sizes, the count EventBridge limits (0 when the text is not JSON). */
function orCombinations(patternText: string): number {
  const count = (value: unknown): number => {
    if (!(value instanceof JsonObject)) {
      return 1;
    }
    let product = 1;
    for (const [key, child] of value.entries) {
      if (key === '$or' && Array.isArray(child)) {
        product *= child.reduce((sum: number, branch) => sum + count(branch), 0);
      } else {
        product *= count(child);
      }
    }
    return product;
  };
  try {
    return count(parseJson(patternText));
  } catch {
    return 0;
  }
}

/** The EventBridge service limit the engine applied, when its message names one that holds. */
function documentedLimit(patternText: string, errors: readonly string[]): string | undefined {
  const text = errors.join(' ');
  if (Buffer.byteLength(patternText) > PATTERN_LENGTH_LIMIT && /2048|length|long|characters/i.test(text)) {
    return `pattern length > ${PATTERN_LENGTH_LIMIT}`;
  }
  if (orCombinations(patternText) > OR_COMBINATION_LIMIT && /\$or|combination/i.test(text)) {
    return `$or combinations > ${OR_COMBINATION_LIMIT}`;
  }
  if (/wildcard/i.test(text) && /complex/i.test(text)) {
    return 'wildcard complexity';
  }
  return undefined;
}

type Verdict =
  | { status: 'pass' }
  | { status: 'limit'; limit: string }
  | { status: 'defect'; defect: string }
  | { status: 'fail'; kind: string };

function judge(pair: DiffPair, ref: ReferenceAnswer, engine: EngineAnswer): Verdict {
  if (engine.inconsistency) {
    return { status: 'fail', kind: 'check() and fromJson() disagree' };
  }
  const refValid = ref.error === undefined;
  // event-ruler's compiler accepts the pattern but its Machine throws adding it (an empty anything-but
  // list leading a field's list, a numeric bound at the edge of the double range): EventBridge cannot
  // run it, and the engine must reject it.
  if (ref.machineError !== undefined) {
    return engine.valid ? { status: 'fail', kind: 'engine accepts a pattern event-ruler\'s Machine cannot add' } : { status: 'pass' };
  }
  if (engine.valid && ref.matchError !== undefined && !pair.validityOnly) {
    return { status: 'defect', defect: `Machine throws matching a well-formed event: ${ref.matchError.split('\n')[0]}` };
  }
  if (refValid !== engine.valid) {
    if (engine.valid) {
      return { status: 'fail', kind: 'engine accepts a pattern event-ruler rejects' };
    }
    const limit = documentedLimit(pair.pattern, engine.errors);
    return limit ? { status: 'limit', limit } : { status: 'fail', kind: 'engine rejects a pattern event-ruler accepts' };
  }
  if (!refValid || pair.validityOnly) {
    return { status: 'pass' };
  }
  if (ref.eventError !== undefined) {
    return engine.match === true ? { status: 'fail', kind: 'engine matches an event event-ruler refuses' } : { status: 'pass' };
  }
  if (engine.threw !== undefined) {
    return { status: 'fail', kind: 'engine threw while matching' };
  }
  if (engine.match !== ref.match) {
    return { status: 'fail', kind: ref.match ? 'event-ruler matches, engine does not' : 'engine matches, event-ruler does not' };
  }
  if (engine.matchParsed !== undefined && engine.matchParsed !== engine.match) {
    return { status: 'fail', kind: 'matches(text) and matchesEvent(JSON.parse(text)) differ' };
  }
  return { status: 'pass' };
}

/** The corpus records what event-ruler said when the case was collected: the harness must agree. */
function harnessAgreesWithCorpus(pair: DiffPair, ref: ReferenceAnswer): boolean {
  switch (pair.expected) {
    case 'match': return ref.match === true;
    case 'no-match': return ref.error === undefined && ref.match === false;
    case 'valid': return ref.error === undefined;
    case 'invalid': return ref.error !== undefined;
    default: return true;
  }
}

// ---- event-ruler's consistency with itself ----

/**
 * Patterns that must give the same answer as `patternText` on any event: each value list with
 * its elements in reverse order, each value list cut to one element (the list is an OR of its
 * elements, so the answer must be the OR of those), and each `$or` with its branches in reverse
 * order. At most `maxLeaves` lists and `$or`s.
 */
type FormKind = 'reversed' | 'single' | 'reordered' | 'split';

function equivalentForms(patternText: string, maxLeaves = 16): Array<{ leaf: number; form: FormKind; pattern: string }> {
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
  const forms: Array<{ leaf: number; form: FormKind; pattern: string }> = [];
  lists.slice(0, maxLeaves).forEach((entry, leaf) => {
    const original = entry[1] as JsonValue[];
    entry[1] = [...original].reverse();
    forms.push({ leaf, form: 'reversed', pattern: writeJson(root) });
    // An $or needs two branches, so only its order is varied.
    for (const element of entry[0] === '$or' ? [] : original.slice(0, 8)) {
      entry[1] = [element];
      forms.push({ leaf, form: 'single', pattern: writeJson(root) });
    }
    entry[1] = original;
  });
  // Several lists and branches reordered at once (one reversal can leave, say, a wildcard still
  // listed before the test it damages).
  for (const pattern of reorderings(patternText, MAX_REORDERINGS_PER_PROBE)) {
    forms.push({ leaf: -1, form: 'reordered', pattern });
  }
  // For a pattern the engine warns is order-dependent, the OR of its combinations as separate
  // patterns: when every order of the whole damages some test (wildcards listed before
  // case-insensitive tests in several branches), only apart do they answer as documented.
  if ((checkPatternText(patternText, Number.MAX_SAFE_INTEGER).orderDependence ?? []).length > 0) {
    subRulePatterns(patternText).forEach((variants, subRule) => {
      variants.forEach((pattern) => forms.push({ leaf: -2 - subRule, form: 'split', pattern }));
    });
  }
  return forms;
}

/**
 * When event-ruler's answer changes under a rewrite that cannot change the meaning (reordering
 * a value list, or splitting it into its elements), event-ruler is wrong on one of them; the
 * engine is then judged against the answer of the equivalent forms.
 */
function selfContradiction(
  original: boolean,
  engine: boolean,
  forms: Array<{ leaf: number; form: FormKind; match?: boolean }>,
): string | undefined {
  if (forms.some((f) => f.form === 'reordered' && f.match !== undefined && f.match !== original && f.match === engine)) {
    return 'its answer depends on the order of a value list or of $or branches';
  }
  const split = forms.filter((f) => f.form === 'split');
  if (split.length > 0 && split.every((f) => f.match !== undefined) && original !== engine) {
    const subRules = [...new Set(split.map((f) => f.leaf))];
    const explained = engine
      ? split.some((f) => f.match)
      : subRules.every((leaf) => split.some((f) => f.leaf === leaf && f.match === false));
    if (explained) {
      return 'its answer depends on the order of a value list or of $or branches';
    }
  }
  const leaves = new Set(forms.filter((f) => f.leaf >= 0).map((f) => f.leaf));
  for (const leaf of leaves) {
    const mine = forms.filter((f) => f.leaf === leaf);
    const reversed = mine.find((f) => f.form === 'reversed')?.match;
    const singles = mine.filter((f) => f.form === 'single');
    const anySingle = singles.some((f) => f.match === true);
    if (reversed !== undefined && reversed !== original && engine === reversed) {
      return 'its answer depends on the order of a value list or of $or branches';
    }
    if (singles.length > 0 && singles.every((f) => f.match !== undefined) && anySingle !== original && engine === anySingle) {
      return 'a value list does not answer as the OR of its elements';
    }
  }
  return undefined;
}

// ---- report ----

/**
 * Features of a disagreeing pair that explain most disagreements seen so far; a hint for
 * grouping and for choosing varied examples, not a diagnosis.
 */
function featureOf(pair: DiffPair): string {
  let pattern: JsonValue;
  let event: JsonValue;
  try {
    pattern = parseJson(pair.pattern);
    event = parseJson(pair.event);
  } catch {
    return 'text that is not plain JSON';
  }
  const emptySegment = (v: JsonValue): boolean => Array.isArray(v) ? v.some(emptySegment)
    : v instanceof JsonObject ? v.entries.some(([k, e]) => k.split('.').includes('') || emptySegment(e)) : false;
  if (!pair.validityOnly && hasDuplicateKeys(event)) {
    return 'the event repeats a key';
  }
  if (emptySegment(pattern) || (!pair.validityOnly && emptySegment(event))) {
    return 'an empty key or empty dotted-path segment';
  }
  return 'neither a repeated event key nor an empty key';
}

/** The text without insignificant whitespace (duplicate keys and number spellings kept). */
function compact(text: string): string {
  try {
    return writeJson(parseJson(text));
  } catch {
    return text;
  }
}

function pct(n: number, d: number): string {
  return d === 0 ? '-' : `${(100 * n / d).toFixed(1)}%`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function engineView(a: EngineAnswer | undefined): string {
  if (!a) {
    return '(not run)';
  }
  if (a.inconsistency) {
    return a.inconsistency;
  }
  if (!a.valid) {
    return `invalid: ${a.errors.join('; ')}`;
  }
  if (a.threw !== undefined) {
    return `threw: ${a.threw}`;
  }
  return `match=${a.match}${a.matchParsed !== undefined ? ` matchesEvent(parsed)=${a.matchParsed}` : ''}`;
}

function referenceView(r: ReferenceAnswer): string {
  if (r.error !== undefined) {
    return `invalid: ${r.error.split('\n')[0]}`;
  }
  if (r.eventError !== undefined) {
    return `refuses the event: ${r.eventError.split('\n')[0]}`;
  }
  if (r.machineError !== undefined || r.matchError !== undefined) {
    return `Machine throws: ${(r.machineError ?? r.matchError ?? '').split('\n')[0]}`;
  }
  return `match=${r.match}`;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  console.log(`differential: seed ${options.seed} (replay with --seed ${options.seed} --pairs ${options.pairs})`);
  assertJarBuilt(options.jar);
  const jvm = javaRuntime();
  console.log(`differential: event-ruler harness ${path.relative(process.cwd(), options.jar)} on Java ${jvm.version} (${jvm.path})`);

  let t = Date.now();
  const generated: DiffPair[] = generatePairs(options.seed, options.pairs).map((p) => ({
    id: p.id,
    source: 'generated',
    pattern: p.pattern,
    event: p.event,
    validityOnly: false,
    labels: p.labels,
    group: p.group,
    plainEvent: p.plainEvent,
  }));
  // Patterns aimed at what only event-ruler's machine decides (test/differential/fidelity.ts), each
  // from its own stream so that the main generator's pairs stay the same for a seed.
  const shapeCases = orderShapeCases(options.seed, options.shapes);
  const shapes: DiffPair[] = shapeCases.flatMap((c) => c.events.map((event, e) => ({
    id: `${c.id}:${e}`,
    source: 'generated',
    pattern: c.pattern,
    event,
    validityOnly: false,
    labels: [c.label],
    group: 'order-shapes',
    plainEvent: survivesJsonParse(event),
  })));
  const complexityCases: DiffPair[] = complexityPatterns(options.seed, options.complexity).map((pattern, i) => ({
    id: `complexity:${i}`,
    source: 'generated',
    pattern,
    event: '{"f":"ab","g":"ab","h":"ab"}',
    validityOnly: false,
    labels: ['complexity'],
    group: 'complexity',
    plainEvent: true,
  }));
  const generationMs = Date.now() - t;
  const corpus = corpusPairs();
  const providers = await providerPairs();
  const pairs = [...generated, ...shapes, ...complexityCases, ...corpus, ...providers.flatMap((p) => p.pairs)];

  t = Date.now();
  const referenceRun = startBatch(options.jar, pairs.map((p, i) => ({ id: String(i), pattern: p.pattern, event: p.event })));
  let referenceMs = 0;
  void referenceRun.then(() => { referenceMs = Date.now() - t; }, () => undefined);

  const engine = new EngineUnderTest();
  const engineStart = Date.now();
  const answers = pairs.map((p) => {
    let parsed: unknown;
    if (p.plainEvent && !p.validityOnly) {
      parsed = JSON.parse(p.event);
    }
    return engine.answer(p.pattern, p.event, parsed);
  });
  const engineMs = Date.now() - engineStart;
  const reference = await referenceRun;

  // ---- judge ----
  let corpusHarnessAgree = 0;
  const verdicts: Verdict[] = pairs.map((pair, i) => {
    const ref = reference.get(String(i))!;
    const verdict = judge(pair, ref, answers[i]);
    if (pair.source === 'corpus') {
      if (harnessAgreesWithCorpus(pair, ref)) {
        corpusHarnessAgree++;
      } else if (verdict.status !== 'fail') {
        return { status: 'fail', kind: 'harness disagrees with the corpus expectation' };
      }
    }
    return verdict;
  });

  // Match disagreements where event-ruler contradicts itself are its defects, not the engine's.
  const probeable = verdicts.flatMap((v, i) => v.status === 'fail' && / matches, /.test(v.kind) ? [i] : []).slice(0, MAX_SELF_CONTRADICTION_PROBES);
  if (probeable.length > 0) {
    const probes = probeable.map((i) => equivalentForms(pairs[i].pattern));
    const requests = probes.flatMap((forms, n) => forms.map((form, j) => ({ id: `${n}:${j}`, pattern: form.pattern, event: pairs[probeable[n]].event })));
    const probeAnswers = requests.length > 0 ? await startBatch(options.jar, requests) : new Map<string, ReferenceAnswer>();
    probeable.forEach((i, n) => {
      const forms = probes[n].map((form, j) => ({ ...form, match: probeAnswers.get(`${n}:${j}`)?.match }));
      const why = selfContradiction(reference.get(String(i))!.match === true, answers[i].match === true, forms);
      if (why) {
        verdicts[i] = { status: 'defect', defect: `event-ruler contradicts itself (${why}); the engine gives the equivalent form's answer` };
      }
    });
  }

  let passed = 0;
  const failures: Array<{ pair: DiffPair; ref: ReferenceAnswer; engine: EngineAnswer; kind: string }> = [];
  const limits: Array<{ pair: DiffPair; limit: string; errors: string[] }> = [];
  const defects: Array<{ pair: DiffPair; defect: string }> = [];
  const coverage = new Map<string, { pairs: number; matches: number; failures: number }>();
  const bySource = new Map<string, { pairs: number; matches: number; invalid: number; failures: number }>();
  pairs.forEach((pair, i) => {
    const ref = reference.get(String(i))!;
    const answer = answers[i];
    const verdict = verdicts[i];
    const source = bySource.get(pair.group) ?? { pairs: 0, matches: 0, invalid: 0, failures: 0 };
    bySource.set(pair.group, source);
    source.pairs++;
    source.matches += ref.match === true && !pair.validityOnly ? 1 : 0;
    source.invalid += ref.error !== undefined ? 1 : 0;
    if (pair.group === 'generated' && ref.error === undefined) {
      for (const label of pair.labels) {
        const c = coverage.get(label) ?? { pairs: 0, matches: 0, failures: 0 };
        coverage.set(label, c);
        c.pairs++;
        c.matches += ref.match ? 1 : 0;
        c.failures += verdict.status === 'fail' ? 1 : 0;
      }
    }
    if (verdict.status === 'fail') {
      source.failures++;
      failures.push({ pair, ref, engine: answer, kind: verdict.kind });
    } else {
      passed++;
      if (verdict.status === 'limit') {
        limits.push({ pair, limit: verdict.limit, errors: answer.errors });
      } else if (verdict.status === 'defect') {
        defects.push({ pair, defect: verdict.defect });
      }
    }
  });

  // ---- summary ----
  console.log(`pairs: ${pairs.length} (generated ${generated.length} from ${new Set(generated.map((p) => p.pattern)).size} patterns, `
    + `order shapes ${shapes.length} from ${shapeCases.length}, complexity ${complexityCases.length}, `
    + `corpus ${corpus.length}, ${providers.map((p) => `provider ${p.name} ${p.error ? 'FAILED' : p.pairs.length}`).join(', ') || 'no providers'})`);
  console.log(`time: generation ${seconds(generationMs)}, event-ruler (one JVM, in parallel) ${seconds(referenceMs)}, engine ${seconds(engineMs)}`);
  console.log('by source (event-ruler\'s view):');
  for (const [group, s] of bySource) {
    console.log(`  ${group.padEnd(24)} ${String(s.pairs).padStart(7)} pairs  match ${pct(s.matches, s.pairs - s.invalid).padStart(6)}  `
      + `invalid patterns ${String(s.invalid).padStart(5)}  failures ${s.failures}`);
  }
  const gen = bySource.get('generated');
  if (gen) {
    console.log(`match rate (generated pairs with valid patterns): ${pct(gen.matches, gen.pairs - gen.invalid)} (${gen.matches} of ${gen.pairs - gen.invalid})`);
  }
  console.log(`corpus: event-ruler harness agrees with the recorded expectation on ${corpusHarnessAgree} of ${corpus.length} cases`);
  console.log('coverage of generated pairs (label: pairs, event-ruler match rate, failures):');
  const rows = [...coverage].sort((a, b) => a[0].localeCompare(b[0]));
  for (let i = 0; i < rows.length; i += 2) {
    console.log('  ' + rows.slice(i, i + 2).map(([label, c]) => `${label.padEnd(38)} ${String(c.pairs).padStart(6)} ${pct(c.matches, c.pairs).padStart(6)} ${String(c.failures).padStart(4)}`).join('   '));
  }
  const limitCounts = new Map<string, number>();
  limits.forEach((l) => limitCounts.set(l.limit, (limitCounts.get(l.limit) ?? 0) + 1));
  console.log(`documented EventBridge-limit differences (engine rejects, event-ruler accepts; not failures): ${limits.length}`
    + (limits.length > 0 ? ` (${[...limitCounts].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''));
  for (const l of limits.slice(0, 3)) {
    console.log(`  ${l.pair.id}: ${l.limit}: ${l.errors.join('; ').slice(0, 200)}`);
  }
  const defectCounts = new Map<string, DiffPair[]>();
  defects.forEach((d) => defectCounts.set(d.defect, [...(defectCounts.get(d.defect) ?? []), d.pair]));
  console.log(`event-ruler defects (no verdict to compare; not failures): ${defects.length}`);
  for (const [defect, examples] of defectCounts) {
    const shortest = examples.reduce((a, b) => a.pattern.length <= b.pattern.length ? a : b);
    console.log(`  ${examples.length} × ${defect}; e.g. ${shortest.id}: ${compact(shortest.pattern).slice(0, 300)}`
      + (shortest.validityOnly ? '' : ` with ${compact(shortest.event).slice(0, 300)}`));
  }

  // ---- what only event-ruler's machine decides ----
  const validPatterns = [...new Set(pairs.filter((_, i) => reference.get(String(i))!.error === undefined).map((p) => p.pattern))];
  const complexity = await compareComplexity(options.jar, validPatterns);
  console.log(`wildcard complexity: ${complexity.compared} patterns with a wildcard compared with event-ruler's Machine.evaluateComplexity `
    + `(six builds each; ${complexity.varying} score differently from one build to the next), ${complexity.mismatches.length} outside event-ruler's range`);
  for (const m of complexity.mismatches.slice(0, options.show)) {
    console.log(`  COMPLEXITY DIFFERS: engine ${m.engine}, event-ruler ${m.rulerMin === m.rulerMax ? m.rulerMin : `${m.rulerMin} to ${m.rulerMax}`}: ${m.pattern.slice(0, 400)}`);
  }
  const findings = await checkOrderFindings(options.jar, validPatterns);
  const flaggedCount = new Set(findings.map((f) => f.pattern)).size;
  const unconfirmed = [...new Map(findings.filter((f) => !f.patternConfirmed).map((f) => [f.pattern, f])).values()];
  const byId = new Map<string, number>();
  findings.forEach((f) => byId.set(f.id, (byId.get(f.id) ?? 0) + 1));
  console.log(`order-dependence warnings: ${findings.length} on ${flaggedCount} patterns `
    + `(${[...byId].map(([id, n]) => `${id.split(':')[1]}: ${n}`).join(', ') || 'none'}); event-ruler's answer on the warning's own `
    + `witness event changes with order for ${findings.filter((f) => f.confirmed).length} (as written, not the documented one for `
    + `${findings.filter((f) => f.asWritten !== undefined && f.asWritten !== f.documented).length}); patterns where no warning's `
    + `witness shows it: ${unconfirmed.length} of ${flaggedCount}`);
  for (const f of unconfirmed.slice(0, options.show)) {
    console.log(`  WARNING NOT SHOWN BY EVENT-RULER (${f.id}): ${f.pattern.slice(0, 300)} with ${f.event}`);
  }
  const orderDefects = defects.filter((d) => /order/.test(d.defect));
  const orderDefectPatterns = [...new Set(orderDefects.map((d) => d.pair.pattern))];
  const flaggedPatterns = new Set(findings.map((f) => f.pattern));
  const unflaggedDefects = orderDefectPatterns.filter((p) => !flaggedPatterns.has(p));
  const missed = await unflaggedOrderDependence(options.jar, shapeCases);
  console.log(`order dependence without a warning: ${unflaggedDefects.length} of the ${orderDefectPatterns.length} patterns event-ruler `
    + `contradicted itself on above; of the ${shapeCases.length} shape patterns probed under reordering, ${missed.wrong.length} answer `
    + `otherwise than documented as written, ${missed.fragile.length} only in another order`);
  for (const p of [...unflaggedDefects, ...missed.wrong.map((c) => c.pattern)].slice(0, options.show)) {
    console.log(`  e.g. ${p.slice(0, 300)}`);
  }
  const caseTable = checkCaseMappings();
  console.log(`case-folding table: ${caseTable.status} (${caseTable.detail})`);

  const brokenProviders = providers.filter((p) => p.error !== undefined);
  for (const p of brokenProviders) {
    console.log(`\nPROVIDER FAILED: ${p.name}: ${p.error}`);
  }

  if (failures.length > 0) {
    const kinds = new Map<string, number>();
    failures.forEach((f) => kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1));
    console.log(`\nDISAGREEMENTS: ${failures.length} (seed ${options.seed}; replay with --seed ${options.seed} --pairs ${options.pairs})`);
    for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${String(n).padStart(6)}  ${kind}`);
    }
    const features = failures.map((f) => featureOf(f.pair));
    const byFeature = new Map<string, number>();
    features.forEach((x) => byFeature.set(x, (byFeature.get(x) ?? 0) + 1));
    console.log('  by what the pair contains:');
    for (const [feature, n] of [...byFeature].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${String(n).padStart(6)}  ${feature}`);
    }
    // One example of each (kind, feature) first, plainest features first, then the rest in order.
    const rank = (x: string) => x.startsWith('neither') ? 0 : x.startsWith('an empty') ? 1 : 2;
    const order = failures.map((_, i) => i).sort((a, b) => rank(features[a]) - rank(features[b]) || a - b);
    const seen = new Set<string>();
    const firsts = order.filter((i) => {
      const key = `${failures[i].kind}|${features[i]}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    const shown = [...new Set([...firsts, ...failures.keys()])].slice(0, options.show).map((i) => failures[i]);
    const oracle = options.minimize > 0 ? new InteractiveReference(options.jar) : undefined;
    const minimizeEngine = new EngineUnderTest();
    try {
      for (const [n, f] of shown.entries()) {
        console.log(`\n--- disagreement ${n + 1}/${failures.length}: ${f.kind} [${f.pair.id}] (${featureOf(f.pair)})`);
        console.log(`pattern: ${f.pair.pattern}`);
        if (!f.pair.validityOnly) {
          console.log(`event:   ${f.pair.event}`);
        }
        console.log(`event-ruler: ${referenceView(f.ref)}`);
        console.log(`engine:      ${engineView(f.engine)}`);
        if (f.pair.expected) {
          console.log(`corpus expects: ${f.pair.expected}`);
        }
        if (oracle && n < options.minimize && f.kind !== 'harness disagrees with the corpus expectation') {
          const sameKind = async (p: string, e: string) => {
            const probe: DiffPair = { ...f.pair, pattern: p, event: e, plainEvent: f.pair.plainEvent && survivesJsonParse(e) };
            const parsed: unknown = probe.plainEvent && !probe.validityOnly ? JSON.parse(e) : undefined;
            const verdict = judge(probe, await oracle.ask(p, e), minimizeEngine.answer(p, e, parsed));
            return verdict.status === 'fail' && verdict.kind === f.kind;
          };
          const small = await minimize(f.pair.pattern, f.pair.event, sameKind);
          console.log(`minimized (${small.evaluations} evaluations):`);
          console.log(`  pattern: ${small.pattern}`);
          if (!f.pair.validityOnly) {
            console.log(`  event:   ${small.event}`);
          }
          const ref = await oracle.ask(small.pattern, small.event);
          const eng = minimizeEngine.answer(small.pattern, small.event);
          console.log(`  event-ruler: ${referenceView(ref)}; engine: ${engineView(eng)}`);
        }
      }
    } finally {
      oracle?.close();
    }
  }
  const failed = failures.length + brokenProviders.length + complexity.mismatches.length + unconfirmed.length
    + (caseTable.status === 'differs' ? 1 : 0);
  console.log(`differential: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  console.log('differential: 0 passed, 1 failed');
  process.exitCode = 1;
});
