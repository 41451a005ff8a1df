import * as path from 'path';
import { Backtest, BacktestCounts, BacktestOptions, BacktestResult, backtestResult, InputProblem, mergeCounts, RuleCounts } from './backtest';
import { LogFile, LogFileSet } from './log-files';
import { PatternChoice, UsageError } from './pattern-source';
import { duckDbReadRecords } from '../patterns/private/sql/cloudtrail-tables';
import { buildStatement } from '../patterns/private/sql/query-statement';

/**
 * `backtest --engine duckdb`: the same report as the native engine, with the matching done by
 * DuckDB running the `duckdb` dialect of `CloudTrailQuery` over the files. DuckDB reads and
 * matches CloudTrail's files (`{"Records": [...]}`, gzipped or not) on every core; a file it does
 * not take whole (another shape, an entry that is not a CloudTrail record, JSON it cannot read)
 * is read by the native engine instead, so its problems are reported exactly as without DuckDB.
 *
 * DuckDB is not a dependency of the package (construct users never install it): it is loaded
 * from npm's `@duckdb/node-api` when this engine is asked for.
 */

/** The part of `@duckdb/node-api` used here. */
interface DuckDbApi {
  DuckDBInstance: { create(path?: string, options?: Record<string, string>): Promise<DuckDbInstance> };
}
interface DuckDbInstance {
  connect(): Promise<DuckDbConnection>;
  closeSync(): void;
}
interface DuckDbConnection {
  runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): Array<Record<string, unknown>> }>;
  closeSync(): void;
}

export const DUCKDB_PACKAGE = '@duckdb/node-api';

/** Loads DuckDB, or explains how to install it. `moduleName` is for tests. */
export function loadDuckDb(moduleName: string = DUCKDB_PACKAGE): DuckDbApi {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(moduleName) as DuckDbApi;
  } catch (e) {
    throw new UsageError(`--engine duckdb needs the npm package ${DUCKDB_PACKAGE}, which is not installed (${(e as Error).message.split('\n')[0]}). `
      + `Fix: npm install ${DUCKDB_PACKAGE} (next to cdk-iam-change-alerts, or globally with -g), or leave out --engine to use the built-in engine.`);
  }
}

/** Options of the DuckDB engine. */
export interface DuckDbBacktestOptions extends BacktestOptions {
  /** DuckDB threads. @default the number of cores */
  readonly threads?: number;
}

interface FileRow {
  readonly entries: number;
  readonly records: number;
  readonly firstDay?: string;
  readonly lastDay?: string;
}

/** Runs the rules over the files with DuckDB (and the native engine for files DuckDB does not take whole). */
export async function duckDbBacktest(rules: readonly PatternChoice[], set: LogFileSet, options: DuckDbBacktestOptions = {}): Promise<BacktestResult> {
  const duckdb = loadDuckDb();
  const instance = await duckdb.DuckDBInstance.create(':memory:', options.threads !== undefined ? { threads: String(options.threads) } : {});
  const connection = await instance.connect();
  try {
    const patterns = rules.map((rule, i) => ({ name: String(i), pattern: rule.json }));
    let files = set.files;
    let rows: Array<Record<string, unknown>> | undefined;
    if (files.length > 0) {
      try {
        rows = await run(connection, patterns, files);
      } catch {
        // A file DuckDB cannot read fails the whole query: find such files one by one, leave them
        // to the native engine, and run the rest.
        const readable: LogFile[] = [];
        for (const file of files) {
          if (await isReadable(connection, file)) readable.push(file);
        }
        files = readable;
        rows = files.length > 0 ? await run(connection, patterns, files) : [];
      }
    }
    let { byFile, matches } = split(rows ?? []);
    // Taken whole: every entry of every document is a CloudTrail record.
    const isWhole = (file: LogFile) => {
      const f = byFile.get(path.resolve(file.path));
      return f !== undefined && f.entries === f.records;
    };
    const whole = files.filter(isWhole);
    if (whole.length < files.length && whole.length > 0) {
      // Some file holds other entries: count the matches of the whole files alone.
      ({ byFile, matches } = split(await run(connection, patterns, whole)));
    } else if (whole.length === 0) {
      matches = [];
    }
    const wholePaths = new Set(whole.map((f) => path.resolve(f.path)));
    const wholeRows = whole.map((f) => byFile.get(path.resolve(f.path))!);
    let counts = countsFromRows(rules.length, wholeRows, matches);
    // The rest, natively: problems reported as the native engine reports them, in file order.
    const native = new Backtest(rules, options);
    const problems: InputProblem[] = [];
    for (const file of set.files) {
      if (wholePaths.has(path.resolve(file.path))) continue;
      const problem = await native.readFile(file);
      if (problem !== undefined) problems.push(problem);
    }
    counts = mergeCounts(counts, native.counts());
    return backtestResult(rules, counts, problems, set, options);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function run(connection: DuckDbConnection, patterns: Array<{ name: string; pattern: string }>,
  files: readonly LogFile[]): Promise<Array<Record<string, unknown>>> {
  const statement = buildStatement(patterns, { dialect: 'duckdb', source: files.map((f) => f.path), backtest: true });
  return (await connection.runAndReadAll(statement.sql)).getRowObjectsJson();
}

/** The rows of the backtest statement: per-file totals by file, and the match counts. */
function split(rows: ReadonlyArray<Record<string, unknown>>): { byFile: Map<string, FileRow>; matches: Array<Record<string, unknown>> } {
  const byFile = new Map<string, FileRow>();
  const matches: Array<Record<string, unknown>> = [];
  for (const row of rows) {
    if (row.kind === 'file') {
      byFile.set(path.resolve(String(row.filename)), {
        entries: Number(row.entries),
        records: Number(row.n),
        ...(row.first_day !== null && row.first_day !== undefined ? { firstDay: String(row.first_day), lastDay: String(row.last_day) } : {}),
      });
    } else {
      matches.push(row);
    }
  }
  return { byFile, matches };
}

async function isReadable(connection: DuckDbConnection, file: LogFile): Promise<boolean> {
  try {
    await connection.runAndReadAll(`SELECT count(*) FROM ${duckDbReadRecords([file.path])}`);
    return true;
  } catch {
    return false;
  }
}

/** The counts of the files DuckDB took whole. */
function countsFromRows(ruleCount: number, files: readonly FileRow[], matches: ReadonlyArray<Record<string, unknown>>): BacktestCounts {
  const tallies = Array.from({ length: ruleCount }, () => ({
    alerts: 0,
    readOnlyAlerts: 0,
    byEventName: new Map<string, number>(),
    byPrincipal: new Map<string, number>(),
    byDay: new Map<string, number>(),
  }));
  const add = (map: Map<string, number>, key: string, n: number) => map.set(key, (map.get(key) ?? 0) + n);
  for (const m of matches) {
    const t = tallies[Number(m.pattern_name)];
    const n = Number(m.n);
    t.alerts += n;
    if (m.read_only === true) t.readOnlyAlerts += n;
    add(t.byEventName, String(m.eventname), n);
    add(t.byPrincipal, String(m.principal), n);
    add(t.byDay, String(m.day), n);
  }
  const days = files.flatMap((f) => (f.firstDay !== undefined ? [f.firstDay, f.lastDay!] : [])).sort();
  return {
    filesRead: files.length,
    filesSkipped: 0,
    recordsRead: files.reduce((sum, f) => sum + f.records, 0),
    recordsSkipped: 0,
    ...(days.length > 0 ? { firstDay: days[0], lastDay: days[days.length - 1] } : {}),
    rules: tallies as RuleCounts[],
  };
}
