/**
 * Throughput of the event-pattern engine beside aws/event-ruler and the JSON.parse floor, at three
 * rule counts: the 16 IAM workload patterns, 300 (EventBridge's default quota of rules per bus)
 * and 3,000, the larger sets being the 16 and distinct generated IAM rules (bench/engine-rules.ts),
 * over EventBridge envelopes built from test/fixtures/cloudtrail-records.json. A benchmark
 * script, not a test: `npm run bench:engine` (needs `npx projen event-ruler:build` for the
 * event-ruler column).
 *
 * Sides, each starting from the event text as event-ruler does: JSON.parse then the public
 * `EventPatternSet` on the object (`matchingNamesOfEvent`, the side the targets are judged on, as
 * a caller that has parsed the event for its own use calls it), the set on the text
 * (`matchingNames`, which also checks each text for what JSON.parse would hide), and at 16
 * patterns the 16 matchers called one by one. event-ruler holds the same rules in one `Machine`.
 * Both engines' matches are counted per pattern; any difference is printed and fails the run
 * (exit code 1).
 *
 *   --events N   envelopes (default 100000)
 *   --rounds N   timed rounds per side after one warm-up round (default 5)
 *   --no-java    skip event-ruler
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as os from 'os';
import * as path from 'path';
import { generateRules } from './engine-rules';
import { EventPatternMatcher } from '../src/patterns/engine/event-pattern-matcher';
import { EventPatternSet } from '../src/patterns/engine/event-pattern-set';
import { envelopeFor, IAM_WORKLOAD_PATTERNS, loadCloudTrailRecords } from '../test/differential/cloudtrail-workload';
import { DEFAULT_JAR, javaRuntime } from '../test/differential/reference-engine';

/** Rule counts measured: the workload's 16, EventBridge's default rules-per-bus quota, ten times that. */
const RULE_COUNTS = [16, 300, 3000];
/** At 16 rules, at least this many times event-ruler's throughput. */
const TARGET_VS_EVENT_RULER_AT_16 = 2;
/** At the larger counts, at least event-ruler's throughput. */
const TARGET_VS_EVENT_RULER_AT_MANY = 1;
/** The time per event at the largest count at most this many times that at 16. */
const TARGET_GROWTH = 3;

interface Options {
  events: number;
  rounds: number;
  java: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { events: 100000, rounds: 5, java: true };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--events': options.events = Number(argv[++i]); break;
      case '--rounds': options.rounds = Number(argv[++i]); break;
      case '--no-java': options.java = false; break;
      default: throw new Error(`unknown option '${argv[i]}' (known: --events N, --rounds N, --no-java)`);
    }
  }
  if (!Number.isInteger(options.events) || options.events < 1 || !Number.isInteger(options.rounds) || options.rounds < 1) {
    throw new Error('--events and --rounds take whole numbers >= 1');
  }
  return options;
}

interface Side {
  readonly name: string;
  /** One pass over all events; returns the number of (event, pattern) matches. */
  readonly body: () => number;
  readonly rates: number[];
  matches: number;
}

function side(name: string, body: () => number): Side {
  return { name, body, rates: [], matches: 0 };
}

/**
 * `rounds` timed passes of each side, interleaved (a, b, c, a, b, c, ...) so that load from
 * other processes on this shared machine falls on all sides alike; one untimed warm-up first.
 */
function measureInterleaved(events: number, rounds: number, sides: Side[]) {
  for (const s of sides) {
    s.matches = s.body();
  }
  for (let r = 0; r < rounds; r++) {
    for (const s of sides) {
      const start = process.hrtime.bigint();
      s.matches = s.body();
      s.rates.push(events / (Number(process.hrtime.bigint() - start) / 1e9));
    }
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface EventRulerResult {
  readonly eventRulerVersion: string;
  /** java.version of the JVM that ran it. */
  readonly java: string;
  readonly eventsPerSecond: number;
  readonly roundEventsPerSecond: number[];
  readonly matches: number;
  readonly matchesByPattern: number[];
}

function runEventRuler(patterns: string[], texts: string[], rounds: number): EventRulerResult | string {
  if (!fs.existsSync(DEFAULT_JAR)) {
    return `not run: ${DEFAULT_JAR} is missing (npx projen event-ruler:build)`;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
  try {
    const patternsFile = path.join(dir, 'patterns.json');
    const eventsFile = path.join(dir, 'events.jsonl');
    fs.writeFileSync(patternsFile, JSON.stringify(patterns));
    fs.writeFileSync(eventsFile, texts.join('\n') + '\n');
    const run = spawnSync(javaRuntime().path, ['-jar', DEFAULT_JAR, 'bench', patternsFile, eventsFile, '3', String(rounds)], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (run.status !== 0) {
      return `failed (exit ${run.status}): ${run.stderr}`;
    }
    return JSON.parse(run.stdout) as EventRulerResult;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function post<T>(session: inspector.Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => err ? reject(err) : resolve(result as T)));
}

/** Samples `body` with V8's CPU profiler and sums self time per function. */
async function profile(body: () => void): Promise<Array<{ name: string; share: number }>> {
  const session = new inspector.Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
    await post(session, 'Profiler.start');
    body();
    const { profile: p } = await post<{ profile: Profile }>(session, 'Profiler.stop');
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let total = 0;
    p.samples.forEach((id, i) => {
      const node = byId.get(id)!;
      const f = node.callFrame;
      // The profiler's own frames (the inspector's dispatch, idle time) are not the engine's.
      if (['dispatch', '(program)', '(idle)', 'post', 'profile'].includes(f.functionName)) {
        return;
      }
      const file = f.url ? path.relative(process.cwd(), f.url.replace(/^file:\/\//, '')) : '';
      // V8 counts the self time of functions it inlined in their caller, here the bench loop.
      // Line numbers are those of ts-node's JavaScript output, close to but not always the .ts line.
      const name = file.startsWith('bench') ? `bench loop: JSON.parse and engine code V8 inlined into it (${file})`
        : `${f.functionName || '(anonymous)'}${file ? ` ${file} (js line ${f.lineNumber + 1})` : ''}`;
      const dt = p.timeDeltas[i] ?? 0;
      self.set(name, (self.get(name) ?? 0) + dt);
      total += dt;
    });
    return [...self].sort((a, b) => b[1] - a[1]).map(([name, t]) => ({ name, share: t / total }));
  } finally {
    session.disconnect();
  }
}


function rate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(1)} k/s`;
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** One rule count: its patterns, the set holding them, and the sides measured. */
interface RuleCount {
  readonly count: number;
  readonly patterns: string[];
  readonly set: EventPatternSet;
  readonly textSide: Side;
  readonly parsedSide: Side;
  readonly matcherSide?: Side;
  eventRuler?: EventRulerResult | string;
}

/** Matches per pattern, of the set on the text and on the parsed object (untimed). */
function countPerPattern(rules: RuleCount, texts: readonly string[]): { text: number[]; parsed: number[] } {
  const index = new Map(rules.set.names.map((name, i) => [name, i]));
  const text = new Array<number>(rules.count).fill(0);
  const parsed = new Array<number>(rules.count).fill(0);
  for (const t of texts) {
    for (const name of rules.set.matchingNames(t)) text[index.get(name)!]++;
    for (const name of rules.set.matchingNamesOfEvent(JSON.parse(t))) parsed[index.get(name)!]++;
  }
  return { text, parsed };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const records = loadCloudTrailRecords();
  const texts: string[] = [];
  for (let i = 0; i < options.events; i++) {
    const index = i % records.length;
    texts.push(JSON.stringify(envelopeFor(records[index], index, Math.floor(i / records.length))));
  }
  const workload = IAM_WORKLOAD_PATTERNS.map((p) => JSON.stringify(p.pattern));
  const largest = Math.max(...RULE_COUNTS);
  const generated = generateRules(largest - workload.length, records).filter((p) => !workload.includes(p));
  const all = [...workload, ...generated].slice(0, largest);
  const bytes = texts.reduce((s, t) => s + t.length, 0);
  console.log(`bench:engine: ${RULE_COUNTS.map(thousands).join(', ')} IAM patterns (the first 16 the workload's, the rest generated, `
    + `each set holding the smaller ones) × ${thousands(texts.length)} EventBridge envelopes (${records.length} CloudTrail records, ids and times `
    + `varied; mean ${(bytes / texts.length).toFixed(0)} chars), Node ${process.version}, ${os.cpus().length} cores, median of ${options.rounds} rounds after a warm-up`);

  const floorSide = side('JSON.parse alone (the floor)', () => {
    let n = 0;
    for (const t of texts) {
      n += JSON.parse(t) === null ? 1 : 0;
    }
    return n;
  });
  const counts: RuleCount[] = RULE_COUNTS.map((count) => {
    const patterns = all.slice(0, count);
    const set = new EventPatternSet();
    patterns.forEach((p, i) => set.add(`p${i}`, p));
    const textSide = side('EventPatternSet.matchingNames(text)', () => {
      let n = 0;
      for (const t of texts) {
        n += set.matchingNames(t).length;
      }
      return n;
    });
    const parsedSide = side('JSON.parse + EventPatternSet.matchingNamesOfEvent', () => {
      let n = 0;
      for (const t of texts) {
        n += set.matchingNamesOfEvent(JSON.parse(t)).length;
      }
      return n;
    });
    let matcherSide: Side | undefined;
    if (count <= 16) {
      const matchers = patterns.map((p) => EventPatternMatcher.fromJson(p));
      matcherSide = side(`JSON.parse + ${count} × EventPatternMatcher.matchesEvent`, () => {
        let n = 0;
        for (const t of texts) {
          const event: unknown = JSON.parse(t);
          for (let m = 0; m < matchers.length; m++) {
            n += matchers[m].matchesEvent(event) ? 1 : 0;
          }
        }
        return n;
      });
    }
    return { count, patterns, set, textSide, parsedSide, matcherSide };
  });
  const engineSides = (c: RuleCount) => [c.parsedSide, c.textSide, ...(c.matcherSide ? [c.matcherSide] : [])];
  const sides = [floorSide, ...counts.flatMap(engineSides)];

  const loadBefore = os.loadavg()[0];
  // Half the rounds before event-ruler runs and half after, so that all sides see the same load.
  measureInterleaved(texts.length, Math.ceil(options.rounds / 2), sides);
  for (const c of counts) {
    c.eventRuler = options.java ? runEventRuler(c.patterns, texts, options.rounds) : 'not run (--no-java)';
  }
  measureInterleaved(texts.length, Math.floor(options.rounds / 2), sides);
  const loadAfter = os.loadavg()[0];
  const floor = median(floorSide.rates);

  const row = (patterns: string, name: string, eps: string, a: string, b: string, micros: string) =>
    console.log(`  ${patterns.padStart(8)}  ${name.padEnd(58)} ${eps.padStart(11)} ${a.padStart(14)} ${b.padStart(9)} ${micros.padStart(9)}`);
  const perEvent = (eps: number) => `${(1e6 / eps).toFixed(2)}`;
  console.log();
  row('patterns', 'side', 'events/s', 'vs event-ruler', 'vs floor', 'µs/event');
  row('-', floorSide.name, rate(floor), '', '1.00x', perEvent(floor));
  for (const c of counts) {
    const er = typeof c.eventRuler === 'object' ? c.eventRuler : undefined;
    const vsRuler = (x: number) => (er ? `${(x / er.eventsPerSecond).toFixed(2)}x` : '-');
    for (const s of engineSides(c)) {
      const r = median(s.rates);
      row(thousands(c.count), s.name, rate(r), vsRuler(r), `${(r / floor).toFixed(2)}x`, perEvent(r));
    }
    if (er) {
      row(thousands(c.count), `event-ruler ${er.eventRulerVersion} (Java ${er.java}): one Machine`, rate(er.eventsPerSecond), '1.00x',
        `${(er.eventsPerSecond / floor).toFixed(2)}x`, perEvent(er.eventsPerSecond));
    } else {
      console.log(`  ${thousands(c.count).padStart(8)}  event-ruler: ${c.eventRuler}`);
    }
  }
  const cores = os.cpus().length;
  console.log(`  (load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cores} cores`
    + `${Math.max(loadBefore, loadAfter) > cores ? ': the machine was busy, so absolute numbers are low and ratios noisy; rerun on a quiet machine' : ''})`);

  // The same matches, pattern by pattern, on both engines and both sides of the set.
  console.log();
  let consistent = true;
  for (const c of counts) {
    const er = typeof c.eventRuler === 'object' ? c.eventRuler : undefined;
    const mine = countPerPattern(c, texts);
    const differing = c.patterns.map((p, i) => ({ p, i })).filter(({ i }) =>
      mine.text[i] !== mine.parsed[i] || (er !== undefined && er.matchesByPattern[i] !== mine.text[i]));
    const total = mine.text.reduce((a, b) => a + b, 0);
    const sidesAgree = engineSides(c).every((s) => s.matches === total) && (!er || er.matches === total);
    consistent = consistent && differing.length === 0 && sidesAgree;
    const matching = mine.text.filter((n) => n > 0).length;
    console.log(`matches at ${thousands(c.count)} patterns: ${thousands(total)} (${matching} patterns match some event)`
      + `${er ? `, event-ruler ${thousands(er.matches)}` : ''}; per pattern ${differing.length === 0 && sidesAgree ? 'the same' : 'DIFFERENT'}`
      + `${er ? ' on both engines' : ' on both sides (event-ruler not run)'}`);
    for (const { p, i } of differing.slice(0, 10)) {
      console.log(`  mismatch p${i}: matchingNames ${mine.text[i]}, matchingNamesOfEvent ${mine.parsed[i]}, event-ruler ${er?.matchesByPattern[i] ?? '-'}: ${p}`);
    }
  }
  if (counts[0].count === IAM_WORKLOAD_PATTERNS.length) {
    const er = typeof counts[0].eventRuler === 'object' ? counts[0].eventRuler : undefined;
    const mine = countPerPattern(counts[0], texts);
    console.log('per workload pattern (engine matches / event-ruler matches):');
    IAM_WORKLOAD_PATTERNS.forEach((p, i) => console.log(`  ${p.name.padEnd(38)} ${String(mine.text[i]).padStart(7)} ${er ? String(er.matchesByPattern[i]).padStart(7) : '      -'}`));
  }

  // The targets, judged on the public API from a parsed event; the text path beside it.
  console.log();
  const meets = (ok: boolean) => (ok ? 'met' : 'MISSED');
  for (const c of counts) {
    const er = typeof c.eventRuler === 'object' ? c.eventRuler : undefined;
    const target = c.count <= 16 ? TARGET_VS_EVENT_RULER_AT_16 : TARGET_VS_EVENT_RULER_AT_MANY;
    if (!er) {
      console.log(`targets: >= ${target}x event-ruler at ${thousands(c.count)} patterns: not measured (event-ruler ${c.eventRuler})`);
      continue;
    }
    const text = median(c.textSide.rates) / er.eventsPerSecond;
    const parsed = median(c.parsedSide.rates) / er.eventsPerSecond;
    console.log(`targets: >= ${target}x event-ruler at ${thousands(c.count)} patterns: JSON.parse + matchingNamesOfEvent ${parsed.toFixed(2)}x, `
      + `${meets(parsed >= target)} (matchingNames(text) ${text.toFixed(2)}x)`);
  }
  const first = counts[0];
  const last = counts[counts.length - 1];
  const growth = median(first.textSide.rates) / median(last.textSide.rates);
  const parsedGrowth = median(first.parsedSide.rates) / median(last.parsedSide.rates);
  console.log(`targets: time per event at ${thousands(last.count)} patterns <= ${TARGET_GROWTH}x that at ${thousands(first.count)}: `
    + `JSON.parse + matchingNamesOfEvent ${parsedGrowth.toFixed(2)}x, ${meets(parsedGrowth <= TARGET_GROWTH)} (matchingNames(text) ${growth.toFixed(2)}x)`);
  console.log(`match counts agree: ${consistent ? 'yes' : 'NO'}`);

  // Where the time goes at the largest count.
  const hotspots = await profile(() => {
    for (const t of texts) {
      last.set.matchingNamesOfEvent(JSON.parse(t));
    }
  });
  console.log();
  console.log(`CPU profile of JSON.parse + matchingNamesOfEvent at ${thousands(last.count)} patterns, top self time:`);
  for (const h of hotspots.slice(0, 12)) {
    console.log(`  ${(100 * h.share).toFixed(1).padStart(5)}%  ${h.name}`);
  }
  if (!consistent) {
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
