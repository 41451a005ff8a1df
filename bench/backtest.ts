/**
 * Throughput and memory of `backtest` on archived CloudTrail logs, in one thread and on every
 * core, beside the floor: the same files read with gunzip + JSON.parse only (no matching), in one
 * thread. A benchmark script, not a test: `npm run bench:backtest`.
 *
 * Generates gzipped CloudTrail log files (`{"Records": [...]}`, one line, as S3 delivers them)
 * under .tmp/bench-backtest/ from test/fixtures/cloudtrail-records.json, with event ids, request
 * ids and times varied (spread over 90 days), and reuses them on later runs.
 *
 * Throughput: one process runs the three sides over all the files, round after round, each round
 * in another order, so that all see the same machine load; each side's time is summed. The side
 * with one worker reads in the main thread (`--workers 1`); the side with all workers uses one
 * thread per core, started before the clock runs (starting them is timed apart). Both must give
 * the same result. Memory: each side runs alone in a child process, over a quarter of the files
 * and over all of them, and reports its RSS high-water mark (sampled every 10 ms, and the kernel's
 * maxrss). The targets are judged on those children's throughput over all the files: each side
 * alone in a fresh process, as the command line runs it (in the shared process the main thread
 * runs every side's code, which slows the sides it runs, not the worker threads).
 *
 *   --events N     events in the full input (default 1000000)
 *   --per-file N   records per log file (default 500)
 *   --rounds N     timed rounds (default 2)
 *   --workers N    threads of the parallel side (default: the number of cores)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BENCH_RULES, benchLogFiles, benchLogTree, gunzipAndParse } from './bench-events';
import { Backtest, BacktestResult, backtestResult } from '../src/cli/backtest';
import { BacktestWorkers, coreCount } from '../src/cli/backtest-workers';
import { LogFile } from '../src/cli/log-files';
import { presetPattern } from '../src/cli/pattern-source';

/** One thread: backtest throughput at least this share of the floor's. */
const TARGET_RATIO = 0.7;
/** All workers: at least this many times the throughput of one, on 2 cores. */
const TARGET_SPEEDUP = 1.7;
const ROOT = path.join(__dirname, '..');
const DATA = path.join(ROOT, '.tmp', 'bench-backtest');


interface Options {
  readonly events: number;
  readonly perFile: number;
  readonly rounds: number;
  readonly workers: number;
}

/** What the child process measures. */
type Mode = 'floor' | 'backtest' | 'workers';

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
  const options = { events: 1_000_000, perFile: 500, rounds: 2, workers: coreCount() };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    switch (argv[i]) {
      case '--events': options.events = value; i++; break;
      case '--per-file': options.perFile = value; i++; break;
      case '--rounds': options.rounds = value; i++; break;
      case '--workers': options.workers = value; i++; break;
      default: throw new Error(`unknown option '${argv[i]}' (known: --events N, --per-file N, --rounds N, --workers N)`);
    }
  }
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number >= 1, got ${value}`);
  }
  return options;
}

/** Runs one measurement in a child process of its own. */
function measureInChild(mode: Mode, files: string[], workers: number): Measurement {
  const list = path.join(DATA, `files-${process.pid}.json`);
  fs.writeFileSync(list, JSON.stringify(files));
  const run = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', __filename, '--child', mode, list, String(workers)], {
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
async function child(mode: string, listFile: string, workerCount: number): Promise<void> {
  const files: LogFile[] = (JSON.parse(fs.readFileSync(listFile, 'utf8')) as string[]).map((p) => ({ path: p, bytes: fs.statSync(p).size }));
  const workers = mode === 'workers' ? await BacktestWorkers.start(BENCH_RULES.map((name) => presetPattern(name).json), workerCount) : undefined;
  const baselineRss = process.memoryUsage.rss();
  let peak = baselineRss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  const started = process.hrtime.bigint();
  let events = 0;
  let alerts: number | undefined;
  if (mode === 'floor') {
    for (const file of files) events += await gunzipAndParse(file.path);
  } else {
    const rules = BENCH_RULES.map((name) => presetPattern(name));
    let result: BacktestResult;
    if (workers !== undefined) {
      const read = await workers.read(files);
      result = backtestResult(rules, read.counts, read.problems, undefined);
      await workers.close();
    } else {
      result = await new Backtest(rules).readAll({ files, totalBytes: 0, nonActivityFiles: 0, otherFiles: 0 });
    }
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

/** What one side measured over the rounds. */
interface SideTime {
  seconds: number;
  events: number;
  result?: BacktestResult;
}

/**
 * The three sides over all the files, `rounds` times, each round in another order (floor, one,
 * all; one, all, floor; ...); returns the summed seconds of each.
 */
async function rounds(files: string[], options: Options, workers: BacktestWorkers): Promise<{ floor: SideTime; one: SideTime; all: SideTime }> {
  const logFiles: LogFile[] = files.map((f) => ({ path: f, bytes: 0 }));
  const rules = BENCH_RULES.map((name) => presetPattern(name));
  const floor: SideTime = { seconds: 0, events: 0 };
  const one: SideTime = { seconds: 0, events: 0 };
  const all: SideTime = { seconds: 0, events: 0 };
  const timed = async (side: SideTime, body: () => Promise<number>) => {
    const t = process.hrtime.bigint();
    side.events += await body();
    side.seconds += Number(process.hrtime.bigint() - t) / 1e9;
  };
  const sides: Array<() => Promise<void>> = [
    () => timed(floor, async () => {
      let n = 0;
      for (const f of files) n += await gunzipAndParse(f);
      return n;
    }),
    () => timed(one, async () => {
      const backtest = new Backtest(rules);
      for (const f of logFiles) await backtest.readFile(f);
      one.result = backtest.result();
      return one.result.totals.recordsRead;
    }),
    () => timed(all, async () => {
      const read = await workers.read(logFiles);
      all.result = backtestResult(rules, read.counts, read.problems, undefined);
      return all.result.totals.recordsRead;
    }),
  ];
  // Warm-up: every side reads the first files once.
  const warm = files.slice(0, 10);
  for (const f of warm) await gunzipAndParse(f);
  const warmBacktest = new Backtest(rules);
  for (const f of warm) await warmBacktest.readFile({ path: f, bytes: 0 });
  await workers.read(warm.map((f) => ({ path: f, bytes: 0 })));
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < sides.length; i++) await sides[(r + i) % sides.length]();
  }
  return { floor, one, all };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1], argv[2], Number(argv[3]));
    return;
  }
  const options = parseArgs(argv);
  const files = benchLogFiles(options);
  const quarter = files.slice(0, Math.ceil(files.length / 4));
  const gz = files.reduce((s, f) => s + fs.statSync(f).size, 0);
  const cores = coreCount();
  console.log(`bench:backtest: ${BENCH_RULES.length} rules (IamEventPattern presets) over ${options.events.toLocaleString('en-US')} CloudTrail events in `
    + `${files.length.toLocaleString('en-US')} gzip files of ${options.perFile} records (${(gz / 2 ** 20).toFixed(0)} MiB gzipped), `
    + `Node ${process.version}, ${cores} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const started = process.hrtime.bigint();
  const workers = await BacktestWorkers.start(BENCH_RULES.map((name) => presetPattern(name).json), options.workers);
  const startSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  let run;
  try {
    run = await rounds(files, options, workers);
  } finally {
    await workers.close();
  }
  const rate = (side: SideTime) => side.events / side.seconds;
  const k = (n: number) => `${(n / 1000).toFixed(1)} k/s`;
  const floorRate = rate(run.floor);
  const oneRate = rate(run.one);
  const allRate = rate(run.all);
  const same = JSON.stringify(run.one.result) === JSON.stringify(run.all.result);
  const alerts = run.one.result!.rules.reduce((sum, r) => sum + r.alerts, 0);
  console.log('');
  console.log(`  throughput (one process, ${options.rounds} round${options.rounds === 1 ? '' : 's'} of each side, order rotating)   events/s  vs floor    seconds`);
  console.log(`  floor: gunzip + JSON.parse, no matching, one thread                ${k(floorRate).padStart(11)}     1.00x    ${run.floor.seconds.toFixed(1)}`);
  console.log(`  backtest, 1 worker (--workers 1: the main thread)                  ${k(oneRate).padStart(11)}  ${(oneRate / floorRate).toFixed(2).padStart(7)}x    ${run.one.seconds.toFixed(1)}`);
  console.log(`  backtest, ${String(options.workers).padEnd(2)} workers (worker threads; started in ${startSeconds.toFixed(2)} s, not timed) ${k(allRate).padStart(11)}  `
    + `${(allRate / floorRate).toFixed(2).padStart(7)}x    ${run.all.seconds.toFixed(1)}`);
  console.log(`  in this process: 1 worker / floor ${(oneRate / floorRate).toFixed(2)}, ${options.workers} workers / 1 worker ${(allRate / oneRate).toFixed(2)} `
    + '(the main thread here also runs the other sides\' code, which slows the sides it runs; the targets are judged below, each side alone)');
  console.log(`  results of 1 and ${options.workers} workers identical: ${same ? 'yes' : 'NO'}; alerts counted: ${alerts.toLocaleString('en-US')} over ${run.one.events / options.rounds} events per round`);
  if (!same) process.exitCode = 1;

  const measure = (list: string[]) => ({
    floor: measureInChild('floor', list, 1),
    one: measureInChild('backtest', list, 1),
    all: measureInChild('workers', list, options.workers),
  });
  const small = measure(quarter);
  const full = measure(files);
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  const cell = (m: Measurement) => `${mib(m.sampledPeakRss)} / ${mib(m.maxRss)} (+${mib(m.maxRss - m.baselineRss)}), ${mib(m.retainedHeap)}`;
  console.log('');
  console.log('  memory, each side alone in a child process: peak RSS sampled every 10 ms / kernel maxrss (+ growth over the RSS');
  console.log('  before reading, which is mostly ts-node and the TypeScript compiler, and for the workers their started threads), and');
  console.log('  the main thread\'s heap retained after a full GC at the end');
  console.log(`  input             floor                             backtest, 1 worker                ${options.workers} workers`);
  for (const [label, m] of [[`${small.one.events.toLocaleString('en-US')} events`, small], [`${full.one.events.toLocaleString('en-US')} events`, full]] as const) {
    console.log(`  ${label.padEnd(16)}  ${cell(m.floor).padEnd(32)}  ${cell(m.one).padEnd(32)}  ${cell(m.all)}`);
  }
  for (const [name, key] of [['1 worker', 'one'], [`${options.workers} workers`, 'all']] as const) {
    console.log(`  backtest, ${name}, at ${(full[key].events / small[key].events).toFixed(1)}x the input: peak RSS ${(full[key].maxRss / small[key].maxRss).toFixed(2)}x, `
      + `growth over the start ${mib(small[key].maxRss - small[key].baselineRss)} -> ${mib(full[key].maxRss - full[key].baselineRss)} `
      + '(what is held is one file per thread and the counts, not the input)');
  }
  // The targets: each side alone in a fresh process, as the command line runs it.
  const alone = { floor: full.floor.events / full.floor.seconds, one: full.one.events / full.one.seconds, all: full.all.events / full.all.seconds };
  console.log(`  each side alone in a child process, over all the files: floor ${k(alone.floor)}, 1 worker ${k(alone.one)}, ${options.workers} workers ${k(alone.all)}`);
  const cli = commandLineSeconds(benchLogTree(options), options.workers);
  if (cli !== undefined) {
    console.log(`  the command line (lib/cli/main.js backtest, wall clock with its start): --workers 1 ${cli.one.toFixed(1)} s, `
      + `--workers ${options.workers} ${cli.all.toFixed(1)} s: ${(cli.one / cli.all).toFixed(2)}x`);
  }
  console.log(`targets: 1 worker / floor >= ${TARGET_RATIO}: ${(alone.one / alone.floor).toFixed(2)}, ${alone.one / alone.floor >= TARGET_RATIO ? 'met' : 'MISSED'}`);
  const speedup = alone.all / alone.one;
  console.log(`targets: ${options.workers} workers / 1 worker >= ${TARGET_SPEEDUP} on 2 cores: ${speedup.toFixed(2)} in the children`
    + `${cli === undefined ? '' : `, ${(cli.one / cli.all).toFixed(2)} with the command line`}`
    + `${cores === 2 && options.workers === 2 ? `, ${speedup >= TARGET_SPEEDUP ? 'met' : 'MISSED'} (judged on the children)` : ` (not judged: ${cores} cores, ${options.workers} workers)`}`
    + ` (load average now ${os.loadavg()[0].toFixed(1)}: other processes on the cores lower it)`);
}

/**
 * Wall-clock seconds of the built command line over the folder with one worker and with all
 * (`npx projen compile` builds lib/), or undefined when lib/ is not built.
 */
function commandLineSeconds(dir: string, workers: number): { one: number; all: number } | undefined {
  const cliMain = path.join(ROOT, 'lib', 'cli', 'main.js');
  if (!fs.existsSync(cliMain)) {
    console.log('  (the command line is not built: run npx projen compile to time it too)');
    return undefined;
  }
  const time = (n: number) => {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [cliMain, 'backtest', dir, '--workers', String(n), ...BENCH_RULES.flatMap((r) => ['--preset', r])], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) throw new Error(`backtest --workers ${n} exited with ${run.status}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  return { one: time(1), all: time(workers) };
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
