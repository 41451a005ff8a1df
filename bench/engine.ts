/**
 * Throughput of the event-pattern engine beside aws/event-ruler and the JSON.parse floor, on one
 * workload: the 16 IAM workload patterns × EventBridge envelopes built from
 * test/fixtures/cloudtrail-records.json. A benchmark script, not a test: `npm run bench:engine`
 * (needs `npx projen event-ruler:build` for the event-ruler column).
 *
 * Engine sides, all starting from the event text as event-ruler does: the 16 patterns as one
 * EventPatternSet on the parsed event (each event read once for all patterns, as event-ruler's one
 * Machine reads it once for all rules; the side the targets are meant for), the 16 matchers called
 * one by one, and the set on the text (which also checks each text for what JSON.parse would hide).
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
import { EventPatternSet } from '../src/patterns/engine/event-pattern-set';
import { envelopeFor, IAM_WORKLOAD_PATTERNS, loadCloudTrailRecords } from '../test/differential/cloudtrail-workload';
import { DEFAULT_JAR, javaRuntime } from '../test/differential/reference-engine';

const TARGET_VS_EVENT_RULER = 2;
const TARGET_VS_FLOOR = 0.5;

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

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const records = loadCloudTrailRecords();
  const texts: string[] = [];
  for (let i = 0; i < options.events; i++) {
    const index = i % records.length;
    texts.push(JSON.stringify(envelopeFor(records[index], index, Math.floor(i / records.length))));
  }
  const patterns = IAM_WORKLOAD_PATTERNS.map((p) => JSON.stringify(p.pattern));
  const set = EventPatternSet.fromJson(patterns);
  const matchers = set.matchers;
  const bytes = texts.reduce((s, t) => s + t.length, 0);
  console.log(`bench:engine: ${patterns.length} IAM patterns × ${texts.length} EventBridge envelopes `
    + `(${records.length} CloudTrail records, ids and times varied; mean ${(bytes / texts.length).toFixed(0)} chars), `
    + `Node ${process.version}, ${os.cpus().length} cores, median of ${options.rounds} rounds after a warm-up`);

  const perPattern = new Array<number>(matchers.length).fill(0);
  const floorSide = side('floor: JSON.parse alone', () => {
    let n = 0;
    for (const t of texts) {
      n += JSON.parse(t) === null ? 1 : 0;
    }
    return n;
  });
  const setSide = side(`engine: JSON.parse + EventPatternSet of ${matchers.length} (parsed event)`, () => {
    let n = 0;
    perPattern.fill(0);
    for (const t of texts) {
      for (const i of set.matchingIndexesOfEvent(JSON.parse(t))) {
        n++;
        perPattern[i]++;
      }
    }
    return n;
  });
  const parsedSide = side(`engine: JSON.parse + ${matchers.length} × matchesEvent(parsed)`, () => {
    let n = 0;
    for (const t of texts) {
      const event: unknown = JSON.parse(t);
      for (let m = 0; m < matchers.length; m++) {
        n += matchers[m].matchesEvent(event) ? 1 : 0;
      }
    }
    return n;
  });
  const textSide = side(`engine: EventPatternSet of ${matchers.length} (event text)`, () => {
    let n = 0;
    for (const t of texts) {
      n += set.matchingIndexes(t).length;
    }
    return n;
  });
  const engineSides = [setSide, parsedSide, textSide];
  const sides = [floorSide, ...engineSides];
  const loadBefore = os.loadavg()[0];
  // Half the rounds before event-ruler runs and half after, so that all sides see the same load.
  measureInterleaved(texts.length, Math.ceil(options.rounds / 2), sides);
  const eventRuler = options.java ? runEventRuler(patterns, texts, options.rounds) : 'not run (--no-java)';
  measureInterleaved(texts.length, Math.floor(options.rounds / 2), sides);
  const loadAfter = os.loadavg()[0];
  const floor = { eventsPerSecond: median(floorSide.rates) };

  // Where the engine's time goes: a CPU profile of the primary side as measured (parse, then match
  // while the object is fresh in the cache), and each pattern alone.
  const hotspots = await profile(() => {
    for (let r = 0; r < 2; r++) {
      for (const t of texts) {
        set.matchingIndexesOfEvent(JSON.parse(t));
      }
    }
  });
  const parsed = texts.map((t) => JSON.parse(t) as unknown);
  const perPatternMicros = matchers.map((m) => {
    for (const e of parsed) {
      m.matchesEvent(e);
    }
    const start = process.hrtime.bigint();
    for (const e of parsed) {
      m.matchesEvent(e);
    }
    return Number(process.hrtime.bigint() - start) / 1e3 / parsed.length;
  });
  parsed.length = 0;

  const er = typeof eventRuler === 'string' ? undefined : eventRuler;

  const vsRuler = (x: number) => er ? `${(x / er.eventsPerSecond).toFixed(2)}x` : '-';
  const vsFloor = (x: number) => `${(x / floor.eventsPerSecond).toFixed(2)}x`;
  const row = (name: string, eps: string, a: string, b: string) => console.log(`  ${name.padEnd(64)} ${eps.padStart(11)} ${a.padStart(16)} ${b.padStart(10)}`);
  console.log();
  row('side', 'events/s', 'vs event-ruler', 'vs floor');
  row(floorSide.name, rate(floor.eventsPerSecond), vsRuler(floor.eventsPerSecond), '1.00x');
  for (const s of engineSides) {
    const r = median(s.rates);
    row(s.name, rate(r), vsRuler(r), vsFloor(r));
  }
  if (er) {
    row(`event-ruler ${er.eventRulerVersion} (Java ${er.java}): one Machine, ${matchers.length} rules`, rate(er.eventsPerSecond), '1.00x', vsFloor(er.eventsPerSecond));
  } else {
    console.log(`  event-ruler: ${eventRuler}`);
  }
  const cores = os.cpus().length;
  console.log(`  (load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cores} cores`
    + `${Math.max(loadBefore, loadAfter) > cores ? ': the machine was busy, so absolute numbers are low and ratios noisy; rerun on a quiet machine' : ''})`);
  console.log();
  const meets = (ok: boolean) => ok ? 'met' : 'MISSED';
  for (const s of engineSides) {
    const r = median(s.rates);
    const targets = [`>= ${TARGET_VS_FLOOR}x floor: ${(r / floor.eventsPerSecond).toFixed(2)}x, ${meets(r / floor.eventsPerSecond >= TARGET_VS_FLOOR)}`];
    if (er) {
      targets.unshift(`>= ${TARGET_VS_EVENT_RULER}x event-ruler: ${(r / er.eventsPerSecond).toFixed(2)}x, ${meets(r / er.eventsPerSecond >= TARGET_VS_EVENT_RULER)}`);
    }
    console.log(`targets for ${s.name}: ${targets.join('; ')}`);
  }

  console.log();
  console.log(`matches per round: ${engineSides.map((s) => `${s.name.replace(/^engine: /, '')} ${s.matches}`).join(', ')}`
    + (er ? `, event-ruler ${er.matches}` : ''));
  const samePerPattern = er ? er.matchesByPattern.every((n, i) => n === perPattern[i]) : true;
  const consistent = engineSides.every((s) => s.matches === setSide.matches) && (!er || (er.matches === setSide.matches && samePerPattern));
  console.log(`match counts agree: ${consistent ? 'yes' : 'NO'}`);
  console.log('per pattern (engine matches / event-ruler matches / µs per event for this pattern alone, matchesEvent over pre-parsed events):');
  IAM_WORKLOAD_PATTERNS.forEach((p, i) => {
    const flag = er && er.matchesByPattern[i] !== perPattern[i] ? '  <-- differs' : '';
    console.log(`  ${p.name.padEnd(38)} ${String(perPattern[i]).padStart(7)} ${er ? String(er.matchesByPattern[i]).padStart(7) : '      -'} ${perPatternMicros[i].toFixed(3).padStart(8)} µs${flag}`);
  });
  const parseMicros = 1e6 / floor.eventsPerSecond;
  const setRate = median(setSide.rates);
  const matchMicros = 1e6 / setRate - parseMicros;
  console.log(`time per event on the primary engine side: JSON.parse ${parseMicros.toFixed(2)} µs, matching ${matchMicros.toFixed(2)} µs for ${matchers.length} patterns`
    + ` (${(100 * matchMicros / (parseMicros + matchMicros)).toFixed(0)}% of the total); floor target needs matching <= ${parseMicros.toFixed(2)} µs`
    + (er ? `, event-ruler target needs parse + matching <= ${(1e6 / er.eventsPerSecond / TARGET_VS_EVENT_RULER).toFixed(2)} µs` : ''));
  console.log(`CPU profile of the primary side (JSON.parse, then the set of ${matchers.length} on the fresh object), top self time:`);
  for (const h of hotspots.slice(0, 15)) {
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
