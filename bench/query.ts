/**
 * `backtest --engine duckdb` beside the native backtest and the gunzip + JSON.parse floor, in
 * events per second, on the event set of `npm run bench:backtest`. A benchmark script, not a test:
 * `npm run bench:query`.
 *
 * The files are those bench/backtest.ts writes (gzipped `{"Records": [...]}` files under
 * .tmp/bench-backtest/, from test/fixtures/cloudtrail-records.json with ids and times varied over
 * 90 days): generated the same way here when missing, reused otherwise. The three sides run one
 * after the other in this process, each over all the files, with the 16 presets of
 * bench:backtest: the floor in one thread, the native backtest as the command line runs it (worker
 * threads on every core), DuckDB on every core. The two backtests must give the same report.
 *
 *   --events N     events in the input (default 1000000)
 *   --per-file N   records per log file (default 500)
 */
import { createReadStream } from 'fs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createGunzip, gzipSync } from 'zlib';
import { readLogs } from '../src/cli/backtest-workers';
import { duckDbBacktest } from '../src/cli/duckdb-backtest';
import { findLogFiles } from '../src/cli/log-files';
import { presetPattern } from '../src/cli/pattern-source';

const TARGET_RATIO = 2;
const ROOT = path.join(__dirname, '..');
const DATA = path.join(ROOT, '.tmp', 'bench-backtest');

/** The 16 rules of bench:backtest. */
const RULES = [
  'allApiCalls', 'changes', 'authChanges', 'cisPolicyChanges', 'policyChanges', 'rootUserActivity', 'consoleSignIns',
  'consoleSignInWithoutMfa', 'failedConsoleSignIns', 'accessKeyChanges', 'mfaDeviceChanges', 'loginProfileChanges',
  'roleTrustPolicyChanges', 'permissionsBoundaryChanges', 'identityProviderChanges', 'groupMembershipChanges',
];

interface Options {
  readonly events: number;
  readonly perFile: number;
}

function parseArgs(argv: string[]): Options {
  const options = { events: 1_000_000, perFile: 500 };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    switch (argv[i]) {
      case '--events': options.events = value; i++; break;
      case '--per-file': options.perFile = value; i++; break;
      default: throw new Error(`unknown option '${argv[i]}' (known: --events N, --per-file N)`);
    }
  }
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number >= 1, got ${value}`);
  }
  return options;
}

function uuid(n: number, salt: number): string {
  const hex = (v: number, width: number) => (v % 16 ** width).toString(16).padStart(width, '0');
  return `${hex(n * 2654435761 + salt, 8)}-${hex(salt, 4)}-4${hex(n, 3)}-8${hex(n * 31 + salt, 3)}-${hex(n * 104729 + salt * 13, 12)}`;
}

/** The files of bench:backtest (same folder, names and contents), written when missing. */
function generate(options: Options): string {
  const dir = path.join(DATA, `${options.events}-${options.perFile}`);
  const done = path.join(dir, 'complete');
  if (!fs.existsSync(done)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const corpus = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'cloudtrail-records.json'), 'utf8')) as Array<{ record: Record<string, unknown> }>;
    const start = Date.UTC(2024, 0, 1);
    const span = 90 * 86400_000;
    let written = 0;
    for (let file = 0; written < options.events; file++) {
      const count = Math.min(options.perFile, options.events - written);
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
  }
  return path.join(dir, 'AWSLogs');
}

async function gunzipAndParse(file: string): Promise<number> {
  const text = createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(createGunzip({ chunkSize: 256 * 1024 }));
  text.setEncoding('utf8');
  const chunks: string[] = [];
  for await (const chunk of text) chunks.push(chunk as string);
  return (JSON.parse(chunks.join('')) as { Records: unknown[] }).Records.length;
}

function rate(events: number, seconds: number): string {
  return `${Math.round(events / seconds).toLocaleString('en-US')} events/s`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = generate(options);
  const set = await findLogFiles([root]);
  const rules = RULES.map((name) => presetPattern(name));
  console.log(`${options.events.toLocaleString('en-US')} events in ${set.files.length.toLocaleString('en-US')} files `
    + `(${(set.totalBytes / 2 ** 20).toFixed(0)} MiB gzipped), ${rules.length} presets, ${os.cpus().length} cores`);

  let t = process.hrtime.bigint();
  let events = 0;
  for (const f of set.files) events += await gunzipAndParse(f.path);
  const floor = Number(process.hrtime.bigint() - t) / 1e9;

  t = process.hrtime.bigint();
  const native = await readLogs(rules, set, {});
  const nativeSeconds = Number(process.hrtime.bigint() - t) / 1e9;

  t = process.hrtime.bigint();
  const duck = await duckDbBacktest(rules, set, {});
  const duckSeconds = Number(process.hrtime.bigint() - t) / 1e9;

  const same = JSON.stringify(duck) === JSON.stringify(native);
  console.log('');
  console.log(`${'side'.padEnd(40)} ${'seconds'.padStart(8)}  throughput`);
  console.log(`${'gunzip + JSON.parse (floor, 1 thread)'.padEnd(40)} ${floor.toFixed(1).padStart(8)}  ${rate(events, floor)}`);
  console.log(`${'native backtest (worker threads)'.padEnd(40)} ${nativeSeconds.toFixed(1).padStart(8)}  ${rate(events, nativeSeconds)}`);
  console.log(`${'DuckDB backtest (--engine duckdb)'.padEnd(40)} ${duckSeconds.toFixed(1).padStart(8)}  ${rate(events, duckSeconds)}`);
  console.log('');
  console.log(`same report from both engines: ${same ? 'yes' : 'NO'}; alerts of the first rule: ${duck.rules[0].alerts.toLocaleString('en-US')}`);
  const ratio = nativeSeconds / duckSeconds;
  console.log(`targets: DuckDB >= ${TARGET_RATIO}x native: ${ratio.toFixed(2)}x ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}; `
    + `DuckDB vs floor: ${(floor / duckSeconds).toFixed(2)}x`);
  if (!same) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 1;
});
