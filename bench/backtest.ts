/**
 * Throughput and memory of `backtest` on archived CloudTrail logs, beside the floor: the same
 * files read with gunzip + JSON.parse only (no matching). A benchmark script, not a test:
 * `npm run bench:backtest`.
 *
 * Generates gzipped CloudTrail log files (`{"Records": [...]}`, one line, as S3 delivers them)
 * under .tmp/bench-backtest/ from test/fixtures/cloudtrail-records.json, with event ids, request
 * ids and times varied (spread over 90 days), and reuses them on later runs.
 *
 * Throughput: one process runs the floor and the backtest over the same files, alternating every
 * few files (and which side goes first), so that both see the same machine load; the time of
 * each side is summed. Memory: each side runs alone in a child process, over a quarter of the
 * files and over all of them, and reports its RSS high-water mark (sampled every 10 ms, and the
 * kernel's maxrss).
 *
 *   --events N     events in the full input (default 1000000)
 *   --per-file N   records per log file (default 500)
 *   --batch N      files per alternation (default 10)
 */
import { spawnSync } from 'child_process';
import { createReadStream } from 'fs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createGunzip, gzipSync } from 'zlib';
import { Backtest } from '../src/cli/backtest';
import { LogFile } from '../src/cli/log-files';
import { presetPattern } from '../src/cli/pattern-source';

const TARGET_RATIO = 0.7;
const ROOT = path.join(__dirname, '..');
const DATA = path.join(ROOT, '.tmp', 'bench-backtest');

/** 16 rules: the post's three and thirteen more presets. */
const RULES = [
  'allApiCalls', 'changes', 'authChanges', 'cisPolicyChanges', 'policyChanges', 'rootUserActivity', 'consoleSignIns',
  'consoleSignInWithoutMfa', 'failedConsoleSignIns', 'accessKeyChanges', 'mfaDeviceChanges', 'loginProfileChanges',
  'roleTrustPolicyChanges', 'permissionsBoundaryChanges', 'identityProviderChanges', 'groupMembershipChanges',
];

interface Options {
  readonly events: number;
  readonly perFile: number;
  readonly batch: number;
}

/** What one child process measured. */
interface Measurement {
  readonly events: number;
  readonly seconds: number;
  /** Highest RSS sampled while reading, bytes. */
  readonly sampledPeakRss: number;
  /** The kernel's high-water mark for the process, bytes. */
  readonly maxRss: number;
  /** RSS after loading, before reading (mostly ts-node and the TypeScript compiler), bytes. */
  readonly baselineRss: number;
  /** JavaScript heap still in use after reading and a full garbage collection, bytes: what the run retains. */
  readonly retainedHeap: number;
  readonly alerts?: number;
}

function parseArgs(argv: string[]): Options {
  const options = { events: 1_000_000, perFile: 500, batch: 10 };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    switch (argv[i]) {
      case '--events': options.events = value; i++; break;
      case '--per-file': options.perFile = value; i++; break;
      case '--batch': options.batch = value; i++; break;
      default: throw new Error(`unknown option '${argv[i]}' (known: --events N, --per-file N, --batch N)`);
    }
  }
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number >= 1, got ${value}`);
  }
  return options;
}

/** Generates (or reuses) the log files; returns them in path order. */
function generate(options: Options): string[] {
  const dir = path.join(DATA, `${options.events}-${options.perFile}`);
  const done = path.join(dir, 'complete');
  if (!fs.existsSync(done)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const corpus = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'cloudtrail-records.json'), 'utf8')) as Array<{ record: Record<string, unknown> }>;
    const start = Date.UTC(2024, 0, 1);
    const span = 90 * 86400_000;
    const started = Date.now();
    let written = 0;
    for (let file = 0; written < options.events; file++) {
      const count = Math.min(options.perFile, options.events - written);
      // Times rise through the input, as in a real trail, spread over 90 days.
      const time = new Date(start + Math.floor((written / options.events) * span));
      const day = time.toISOString().slice(0, 10).split('-');
      const records = [];
      for (let i = 0; i < count; i++) {
        const n = written + i;
        const base = corpus[n % corpus.length].record;
        const eventTime = new Date(start + Math.floor((n / options.events) * span)).toISOString().replace(/\.\d{3}Z$/, 'Z');
        records.push({ ...base, eventID: uuid(n, 1), requestID: uuid(n, 2), eventTime });
      }
      const name = `111122223333_CloudTrail_us-east-1_${day.join('')}T${String(file).padStart(7, '0')}_bench.json.gz`;
      const target = path.join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', ...day, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, gzipSync(JSON.stringify({ Records: records })));
      written += count;
    }
    fs.writeFileSync(done, `${written} events\n`);
    console.log(`generated ${written.toLocaleString('en-US')} events in ${dir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  return listFiles(path.join(dir, 'AWSLogs'));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out.sort();
}

function uuid(n: number, salt: number): string {
  const hex = (v: number, width: number) => (v % 16 ** width).toString(16).padStart(width, '0');
  return `${hex(n * 2654435761 + salt, 8)}-${hex(salt, 4)}-4${hex(n, 3)}-8${hex(n * 31 + salt, 3)}-${hex(n * 104729 + salt * 13, 12)}`;
}

/** Runs one measurement in a child process of its own. */
function measureInChild(mode: 'floor' | 'backtest', files: string[]): Measurement {
  const list = path.join(DATA, `files-${process.pid}.json`);
  fs.writeFileSync(list, JSON.stringify(files));
  const run = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', __filename, '--child', mode, list], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
    maxBuffer: 1 << 24,
  });
  fs.rmSync(list, { force: true });
  if (run.status !== 0) throw new Error(`child ${mode} failed (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Measurement;
}

/** The child: reads the listed files and prints what it measured. */
async function child(mode: string, listFile: string): Promise<void> {
  const files: LogFile[] = (JSON.parse(fs.readFileSync(listFile, 'utf8')) as string[]).map((p) => ({ path: p, bytes: fs.statSync(p).size }));
  const baselineRss = process.memoryUsage.rss();
  let peak = baselineRss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  const started = process.hrtime.bigint();
  let events = 0;
  let alerts: number | undefined;
  if (mode === 'floor') {
    for (const file of files) events += await gunzipAndParse(file.path);
  } else {
    const backtest = new Backtest(RULES.map((name) => presetPattern(name)));
    const result = await backtest.readAll({ files, totalBytes: 0, nonActivityFiles: 0, otherFiles: 0 });
    events = result.totals.recordsRead;
    alerts = result.rules.reduce((sum, r) => sum + r.alerts, 0);
    if (result.totals.filesSkipped > 0) throw new Error(`${result.totals.filesSkipped} files skipped: ${JSON.stringify(result.problems[0])}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  const maxRss = process.resourceUsage().maxRSS * 1024;
  (globalThis as unknown as { gc: () => void }).gc();
  const measurement: Measurement = {
    events,
    seconds,
    sampledPeakRss: peak,
    maxRss,
    baselineRss,
    retainedHeap: process.memoryUsage().heapUsed,
    ...(alerts !== undefined ? { alerts } : {}),
  };
  console.log(JSON.stringify(measurement));
}

/**
 * The floor for one file: streaming gunzip and UTF-8 decoding as `backtest` does them (same chunk
 * sizes), then JSON.parse of the document, and nothing else.
 */
async function gunzipAndParse(file: string): Promise<number> {
  const text = createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(createGunzip({ chunkSize: 256 * 1024 }));
  text.setEncoding('utf8');
  const chunks: string[] = [];
  for await (const chunk of text) chunks.push(chunk as string);
  const document = JSON.parse(chunks.join('')) as { Records: unknown[] };
  return document.Records.length;
}

/** Floor and backtest over the same files, alternating every `batch` files; returns the summed seconds of each. */
async function interleaved(files: string[], batch: number): Promise<{ floor: number; backtest: number; events: number; alerts: number }> {
  const backtest = new Backtest(RULES.map((name) => presetPattern(name)));
  // Warm-up: both sides compile and the memo sees the first files.
  const warm = files.slice(0, batch);
  for (const f of warm) await gunzipAndParse(f);
  const warmBacktest = new Backtest(RULES.map((name) => presetPattern(name)));
  for (const f of warm) await warmBacktest.readFile({ path: f, bytes: 0 });

  let floorSeconds = 0;
  let backtestSeconds = 0;
  let floorEvents = 0;
  const runFloor = async (part: string[]) => {
    const t = process.hrtime.bigint();
    for (const f of part) floorEvents += await gunzipAndParse(f);
    floorSeconds += Number(process.hrtime.bigint() - t) / 1e9;
  };
  const runBacktest = async (part: string[]) => {
    const t = process.hrtime.bigint();
    for (const f of part) await backtest.readFile({ path: f, bytes: 0 });
    backtestSeconds += Number(process.hrtime.bigint() - t) / 1e9;
  };
  for (let i = 0, n = 0; i < files.length; i += batch, n++) {
    const part = files.slice(i, i + batch);
    if (n % 2 === 0) {
      await runFloor(part);
      await runBacktest(part);
    } else {
      await runBacktest(part);
      await runFloor(part);
    }
  }
  const result = backtest.result();
  if (result.totals.filesSkipped > 0 || result.totals.recordsRead !== floorEvents) {
    throw new Error(`the sides read different inputs: ${floorEvents} vs ${result.totals.recordsRead} events, ${result.totals.filesSkipped} files skipped`);
  }
  return { floor: floorSeconds, backtest: backtestSeconds, events: floorEvents, alerts: result.rules.reduce((sum, r) => sum + r.alerts, 0) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1], argv[2]);
    return;
  }
  const options = parseArgs(argv);
  const files = generate(options);
  const quarter = files.slice(0, Math.ceil(files.length / 4));
  const gz = files.reduce((s, f) => s + fs.statSync(f).size, 0);
  console.log(`bench:backtest: ${RULES.length} rules (IamEventPattern presets) over ${options.events.toLocaleString('en-US')} CloudTrail events in `
    + `${files.length.toLocaleString('en-US')} gzip files of ${options.perFile} records (${(gz / 2 ** 20).toFixed(0)} MiB gzipped), `
    + `Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const run = await interleaved(files, options.batch);
  const floorRate = run.events / run.floor;
  const backtestRate = run.events / run.backtest;
  const ratio = backtestRate / floorRate;
  const k = (n: number) => `${(n / 1000).toFixed(1)} k/s`;
  console.log('');
  console.log(`  throughput (one process, sides alternating every ${options.batch} files)   events/s    seconds`);
  console.log(`  floor: gunzip + JSON.parse, no matching                       ${k(floorRate).padStart(11)}    ${run.floor.toFixed(1)}`);
  console.log(`  backtest: ${RULES.length} rules, counts by name/principal/day            ${k(backtestRate).padStart(11)}    ${run.backtest.toFixed(1)}`);
  console.log(`  ratio backtest / floor: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`);
  console.log(`  alerts counted: ${run.alerts.toLocaleString('en-US')} over ${run.events.toLocaleString('en-US')} events`);

  const small = { floor: measureInChild('floor', quarter), backtest: measureInChild('backtest', quarter) };
  const full = { floor: measureInChild('floor', files), backtest: measureInChild('backtest', files) };
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  const cell = (m: Measurement) => `${mib(m.sampledPeakRss)} / ${mib(m.maxRss)} (+${mib(m.maxRss - m.baselineRss)}), ${mib(m.retainedHeap)}`;
  console.log('');
  console.log('  memory, each side alone in a child process: peak RSS sampled every 10 ms / kernel maxrss (+ growth over the RSS');
  console.log('  before reading, which is mostly ts-node and the TypeScript compiler), and the heap retained after a full GC at the end');
  console.log('  input                         floor                                backtest');
  for (const [label, m] of [[`${small.backtest.events.toLocaleString('en-US')} events`, small], [`${full.backtest.events.toLocaleString('en-US')} events`, full]] as const) {
    console.log(`  ${label.padEnd(28)}  ${cell(m.floor).padEnd(35)}  ${cell(m.backtest)}`);
  }
  const growth = full.backtest.maxRss / small.backtest.maxRss;
  const retained = full.backtest.retainedHeap / small.backtest.retainedHeap;
  console.log(`  backtest at ${(full.backtest.events / small.backtest.events).toFixed(1)}x the input: peak RSS ${growth.toFixed(2)}x, retained heap ${retained.toFixed(2)}x `
    + '(what is held is one file and the counts, not the input)');
  console.log(`  (children, reading alone: floor ${k(full.floor.events / full.floor.seconds)}, backtest ${k(full.backtest.events / full.backtest.seconds)})`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
