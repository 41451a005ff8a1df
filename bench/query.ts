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
 * threads on every core), DuckDB on every core; then DuckDB's read_json of the files alone, as the
 * statement reads them and as one typed field, the most any DuckDB statement over them can do.
 * The two backtests must give the same report.
 *
 *   --events N     events in the input (default 1000000)
 *   --per-file N   records per log file (default 500)
 */
import * as os from 'os';
import { BENCH_RULES, benchLogTree, gunzipAndParse } from './bench-events';
import { readLogs } from '../src/cli/backtest-workers';
import { duckDbBacktest, loadDuckDb } from '../src/cli/duckdb-backtest';
import { findLogFiles } from '../src/cli/log-files';
import { presetPattern } from '../src/cli/pattern-source';
import { duckDbReadRecords } from '../src/patterns/private/sql/cloudtrail-tables';

const TARGET_RATIO = 2;


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

function rate(events: number, seconds: number): string {
  return `${Math.round(events / seconds).toLocaleString('en-US')} events/s`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = benchLogTree(options);
  const set = await findLogFiles([root]);
  const rules = BENCH_RULES.map((name) => presetPattern(name));
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

  // DuckDB's ceiling: its read_json of the same files, in the form the backtest's statement reads
  // them, with nothing else (the records counted). No SQL over these files can run faster.
  const reader = await (await loadDuckDb().DuckDBInstance.create(':memory:')).connect();
  const paths = set.files.map((f) => f.path);
  t = process.hrtime.bigint();
  const read = await reader.runAndReadAll(`SELECT sum(len(Records)) AS n FROM ${duckDbReadRecords(paths)}`);
  const readSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const readEvents = Number(read.getRowObjectsJson()[0].n);
  // And the narrowest read a statement could make instead: one typed field of each record (the
  // reader then builds no JSON text), to show the ceiling is the reading, not the JSON[] form.
  t = process.hrtime.bigint();
  const typed = await reader.runAndReadAll(`SELECT sum(len(Records)) AS n FROM ${duckDbReadRecords(paths, false, 'STRUCT(eventName VARCHAR)')}`);
  const typedSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const typedEvents = Number(typed.getRowObjectsJson()[0].n);
  const ceiling = Math.min(readSeconds, typedSeconds);

  const same = JSON.stringify(duck) === JSON.stringify(native);
  console.log('');
  console.log(`${'side'.padEnd(42)} ${'seconds'.padStart(8)}  throughput`);
  console.log(`${'gunzip + JSON.parse (floor, 1 thread)'.padEnd(42)} ${floor.toFixed(1).padStart(8)}  ${rate(events, floor)}`);
  console.log(`${'native backtest (worker threads)'.padEnd(42)} ${nativeSeconds.toFixed(1).padStart(8)}  ${rate(events, nativeSeconds)}`);
  console.log(`${'DuckDB backtest (--engine duckdb)'.padEnd(42)} ${duckSeconds.toFixed(1).padStart(8)}  ${rate(events, duckSeconds)}`);
  console.log(`${'DuckDB read_json alone (as the statement)'.padEnd(42)} ${readSeconds.toFixed(1).padStart(8)}  ${rate(readEvents, readSeconds)}`);
  console.log(`${'DuckDB read_json, one typed field'.padEnd(42)} ${typedSeconds.toFixed(1).padStart(8)}  ${rate(typedEvents, typedSeconds)}`);
  console.log('');
  console.log(`same report from both engines: ${same ? 'yes' : 'NO'}; alerts of the first rule: ${duck.rules[0].alerts.toLocaleString('en-US')}`);
  const ratio = nativeSeconds / duckSeconds;
  console.log(`targets: DuckDB >= ${TARGET_RATIO}x native: ${ratio.toFixed(2)}x ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}; `
    + `DuckDB vs floor: ${(floor / duckSeconds).toFixed(2)}x; DuckDB's fastest read_json alone is ${(nativeSeconds / ceiling).toFixed(2)}x native`
    + `${nativeSeconds / ceiling < TARGET_RATIO ? ', so no statement over these files can meet the target on this machine' : ''}`);
  if (!same) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 1;
});
