/**
 * The athena and cloudtrail-lake SQL of `patterns.CloudTrailQuery`, run on a real Trino (Athena
 * engine version 3 is Trino), against the pattern engine, record for record. The inputs are those
 * of the DuckDB proof (test/patterns/cloudtrail-query-proof.ts): every pattern of the library, the
 * edge cases (address spellings, line breaks), then batches of generated patterns with records
 * generated near them, each batch queried together with the fixture corpus. The records go into
 * Trino tables of the documented schemas (table-rows.ts); each batch becomes the statements a user
 * would run per dialect, over a view that shows that batch's records
 * and the corpus; its (eventid, pattern_name) rows must be exactly the (record, pattern) pairs the
 * engine matches on the records' EventBridge envelopes, as often.
 *
 * Not a jest test (it needs a Trino server): scripts/test-all.sh starts one with
 * test/query-trino/trino-server.sh and runs this. Options:
 *
 *   --url URL         the server (default: the URL trino-server.sh wrote to .tmp/trino/url)
 *   --patterns N      generated patterns (default 11000, of which about 92% are valid patterns)
 *   --seed S          seed of the generators (default 517441829)
 *   --batch N         generated patterns per batch of records (default 50)
 *   --concurrency N   queries at a time (default 2)
 *   --budget S        start no generated batch, nor another statement of one, after S seconds of
 *                     queries (default 0: run them all); the library's patterns and the edge cases
 *                     always run
 *   --from N          skip the generated batches before the Nth (0-based, in the order they run):
 *                     a long proof split over several runs (default 0)
 *   --statements K    user (default): each batch as the statements a user runs, within the
 *                     service's length limit; batch: each batch as one statement (fewer, longer
 *                     queries, for a run of all 10,000 generated patterns)
 *
 * A pattern passes in a dialect when its rows are exactly the engine's matches. One whose
 * translation is inexact (listed in `inexactReasons`; the command line refuses those) is not
 * compared and is counted apart. The last line is `query-trino: N passed, M failed` (a pattern
 * per dialect each); exit 1 on any failure.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createStaging, fitsAthenaTable, groupView, insertRecords, ATHENA_TABLE, LAKE_TABLE, ProofTable } from './table-rows';
import { TrinoClient } from './trino-client';
import { CloudTrailQuery, QueryDialect } from '../../src/patterns/cloudtrail-query';
import {
  corpusRecords, edgeCaseBatch, engineMatches, generatedBatches, isValidPattern, Json, libraryPatterns, ProofPattern,
} from '../patterns/cloudtrail-query-proof';

interface Options {
  url?: string;
  patterns: number;
  seed: number;
  batch: number;
  concurrency: number;
  /** Seconds after which no further generated batch starts (0: no limit). */
  budget: number;
  /** The first generated batch to run (those before are skipped): a long proof over several runs. */
  from: number;
  /**
   * `user`: each batch as the statements a user runs (within the service's length limit);
   * `batch`: each batch as one statement, whatever its length (fewer, longer queries: for long runs).
   */
  statements: 'user' | 'batch';
}

function parseArgs(argv: string[]): Options {
  const options: Options = { patterns: 11000, seed: 517441829, batch: 50, concurrency: 2, budget: 0, from: 0, statements: 'user' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const int = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got '${value}'`);
      return n;
    };
    switch (flag) {
      case '--url': options.url = value; break;
      case '--patterns': options.patterns = int(); break;
      case '--seed': options.seed = int(); break;
      case '--batch': options.batch = int(); break;
      case '--concurrency': options.concurrency = int(); break;
      case '--budget': options.budget = value === '0' ? 0 : int(); break;
      case '--from': options.from = value === '0' ? 0 : int(); break;
      case '--statements':
        if (value !== 'user' && value !== 'batch') throw new Error(`--statements takes user or batch, got '${value}'`);
        options.statements = value;
        break;
      default: throw new Error(`unknown option '${flag}' (known: --url, --patterns, --seed, --batch, --concurrency, --budget, --from, --statements)`);
    }
  }
  return options;
}

interface DialectRun {
  readonly name: string;
  readonly dialect: QueryDialect;
  readonly table: ProofTable;
  /** The `table` option of the generated query, replaced by the batch's view in the SQL. */
  readonly source: string;
  /** The records the table can hold (the others are left out of the table and of the comparison). */
  readonly holds: (record: Record<string, unknown>) => boolean;
}

const DIALECTS: DialectRun[] = [
  { name: 'athena', dialect: QueryDialect.ATHENA, table: ATHENA_TABLE, source: 'proof_source.cloudtrail_logs', holds: fitsAthenaTable },
  // CloudTrail Lake names an event data store by its id.
  { name: 'cloudtrail-lake', dialect: QueryDialect.CLOUDTRAIL_LAKE, table: LAKE_TABLE, source: 'eds-query-trino-proof', holds: () => true },
];

/** A batch of the proof: its patterns, and the records its query reads. */
interface Batch {
  readonly group: string;
  readonly patterns: ProofPattern[];
  readonly records: Record<string, Json>[];
}

/**
 * The record with a proof-wide `eventID`. Fixture samples spell the key otherwise at times
 * (`eventId`); Athena's SerDe reads keys case-insensitively and no CloudTrail record has two
 * spellings, so the others go.
 */
function withEventId(record: Record<string, Json>, id: string): Record<string, Json> {
  const copy: Record<string, Json> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() !== 'eventid') copy[key] = value;
  }
  copy.eventID = id;
  return copy;
}

/**
 * The batches of the three kinds (envelope, requestParameters, resources patterns) taken in turn,
 * so that a run cut short by its budget has covered all three.
 */
function interleaved<T extends { patterns: ProofPattern[] }>(batches: T[]): T[] {
  const kinds = new Map<string, T[]>();
  for (const batch of batches) {
    const kind = (batch.patterns[0]?.name ?? '').replace(/-\d+$/, '');
    kinds.set(kind, [...(kinds.get(kind) ?? []), batch]);
  }
  const lists = [...kinds.values()];
  const out: T[] = [];
  for (let i = 0; out.length < batches.length; i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]);
  }
  return out;
}

/** The pattern names an `inexactReasons` list names (`<name>: <reason>`). */
function inexactNames(reasons: readonly string[], names: readonly string[]): Set<string> {
  return new Set(names.filter((name) => reasons.some((reason) => reason.startsWith(`${name}: `))));
}

interface Tally {
  passed: number;
  failed: number;
  inexact: number;
  rows: number;
  queries: number;
  /** Queries Trino refused as too complex to compile, run again as two halves. */
  splits: number;
  /** Patterns whose statement alone is longer than the dialect's service takes (`oversizedPatterns`), run here anyway. */
  oversized: number;
  /** Patterns of started batches whose statements were not run: the budget ran out. */
  cut: number;
  /** Records loaded into the table, records it cannot hold, and the time loading took. */
  loaded: number;
  leftOut: number;
  loadMillis: number;
  queryMillis: number;
}

/** The engine's matches of a batch (`eventID|pattern` -> count) on the records a dialect's table holds. */
function engineAnswer(run: DialectRun, batch: Batch, corpus: Record<string, Json>[]): Map<string, number> {
  return engineMatches(batch.patterns, [...batch.records, ...corpus].filter(run.holds));
}

/**
 * Runs one statement (holding `patterns`, of `batch`) over the view, and compares each exact
 * pattern's rows with the engine's matches. A statement Trino refuses as too complex to compile
 * (QUERY_EXCEEDED_COMPILER_LIMIT, COMPILER_ERROR) runs again as two halves; the split is counted.
 */
async function runPatterns(trino: TrinoClient, run: DialectRun, batch: Batch, patterns: ProofPattern[], statement: string,
  inexactReasons: readonly string[], view: string, want: Map<string, number>, tally: Tally, failures: string[]): Promise<void> {
  const inexact = inexactNames(inexactReasons, patterns.map((p) => p.name));
  const sql = statement.split(run.source).join(view);
  const started = Date.now();
  let rows: readonly unknown[][];
  try {
    rows = (await trino.query(sql)).rows;
  } catch (error) {
    const message = (error as Error).message;
    // Too large to compile: Trino says so (QUERY_EXCEEDED_COMPILER_LIMIT), or its bytecode
    // generator fails (COMPILER_ERROR, e.g. a method over the JVM's 64 KiB).
    if (/QUERY_EXCEEDED_COMPILER_LIMIT|COMPILER_ERROR/.test(message) && patterns.length > 1) {
      tally.splits++;
      const half = Math.ceil(patterns.length / 2);
      for (const part of [patterns.slice(0, half), patterns.slice(half)]) {
        const query = CloudTrailQuery.forPatterns(part, { dialect: run.dialect, table: run.source });
        await runPatterns(trino, run, batch, part, query.sql, query.inexactReasons, view, want, tally, failures);
      }
      return;
    }
    tally.inexact += inexact.size;
    const compared = patterns.filter((p) => !inexact.has(p.name));
    tally.failed += compared.length;
    failures.push(`${run.name}: batch ${batch.group} (${compared.length} patterns): the query failed: ${message.split('\n')[0]}`);
    return;
  } finally {
    tally.queryMillis += Date.now() - started;
    tally.queries++;
  }
  tally.inexact += inexact.size;
  tally.rows += rows.length;
  const names = new Set(patterns.map((p) => p.name));
  const got = new Map<string, number>();
  for (const [eventId, name] of rows) {
    if (!names.has(String(name))) {
      failures.push(`${run.name}: a row names pattern '${String(name)}', which the query of batch ${batch.group} does not have`);
      tally.failed++;
      continue;
    }
    const key = `${String(eventId)}|${String(name)}`;
    got.set(key, (got.get(key) ?? 0) + 1);
  }
  const wrong = new Map<string, string[]>();
  for (const key of new Set([...want.keys(), ...got.keys()])) {
    const name = key.slice(key.indexOf('|') + 1);
    if (!names.has(name) || inexact.has(name) || (want.get(key) ?? 0) === (got.get(key) ?? 0)) continue;
    const list = wrong.get(name) ?? [];
    list.push(`${key.slice(0, key.indexOf('|'))}: engine ${want.get(key) ?? 0}, SQL ${got.get(key) ?? 0}`);
    wrong.set(name, list);
  }
  for (const p of patterns) {
    if (inexact.has(p.name)) continue;
    const problems = wrong.get(p.name);
    if (problems === undefined) {
      tally.passed++;
    } else {
      tally.failed++;
      failures.push(`${run.name}: ${p.name}: ${problems.length} records differ (${problems.slice(0, 3).join('; ')})\n  pattern: ${p.pattern}`);
    }
  }
}

async function runBatch(
  trino: TrinoClient, run: DialectRun, batch: Batch, corpus: Record<string, Json>[], tally: Tally, failures: string[], whole: boolean,
  overBudget: () => boolean,
): Promise<void> {
  const loading = Date.now();
  const held = batch.records.filter(run.holds);
  tally.loaded += await insertRecords(trino, run.table, { group: batch.group, records: held });
  tally.leftOut += batch.records.length - held.length;
  tally.loadMillis += Date.now() - loading;
  const view = await groupView(trino, run.table, `${run.table.name}_${batch.group}`, [batch.group, 'corpus']);
  const want = engineAnswer(run, batch, corpus);
  // The statements a user runs: each within the dialect's length limit (CloudTrail Lake's 10,000
  // characters, Athena's 262,144 bytes), the patterns split among them by the library.
  const query = CloudTrailQuery.forPatterns(batch.patterns, { dialect: run.dialect, table: run.source });
  tally.oversized += query.oversizedPatterns.length;
  if (whole) {
    await runPatterns(trino, run, batch, batch.patterns, query.sql, query.inexactReasons, view, want, tally, failures);
    return;
  }
  for (const statement of query.statements) {
    const names = new Set(statement.patternNames);
    const inStatement = batch.patterns.filter((p) => names.has(p.name));
    // A batch started before the budget ran out stops at its next statement, so the step ends near its budget.
    if (overBudget()) {
      tally.cut += inStatement.length;
      continue;
    }
    await runPatterns(trino, run, batch, inStatement, statement.sql, query.inexactReasons, view, want, tally, failures);
  }
}

/** Runs `tasks` with at most `concurrency` at a time (Trino plans each query on one thread). */
async function inParallel(tasks: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const url = options.url ?? fs.readFileSync(path.join(__dirname, '..', '..', '.tmp', 'trino', 'url'), 'utf8').trim();
  const trino = new TrinoClient(url);
  const started = Date.now();

  const corpus = corpusRecords().map((record, i) => withEventId(record, `corpus-${i}`));
  const edges = edgeCaseBatch();
  const batches: Batch[] = [
    { group: 'library', patterns: libraryPatterns().filter((p) => isValidPattern(p.pattern)), records: [] },
    { group: 'edges', patterns: edges.patterns.filter((p) => isValidPattern(p.pattern)), records: edges.records },
    ...interleaved(generatedBatches(options.seed, options.patterns, options.batch)).map((b, i) => ({
      group: `b${i}`, patterns: b.patterns.filter((p) => isValidPattern(p.pattern)), records: b.records,
    })).slice(options.from),
  ];
  const recordCount = corpus.length + batches.reduce((n, b) => n + b.records.length, 0);
  const patternCount = batches.reduce((n, b) => n + b.patterns.length, 0);
  console.log(`query-trino: ${patternCount} valid patterns (${batches[0].patterns.length} of the library) in ${batches.length} batches, `
    + `${recordCount} records (${corpus.length} of the corpus, read by every batch), seed ${options.seed}`
    + `${options.from > 0 ? `, generated batches from b${options.from}` : ''}`);
  for (const run of DIALECTS) {
    await createStaging(trino, run.table);
    await insertRecords(trino, run.table, { group: 'corpus', records: corpus.filter(run.holds) });
  }

  const failures: string[] = [];
  const tallies = DIALECTS.map((): Tally => ({
    passed: 0,
    failed: 0,
    inexact: 0,
    rows: 0,
    queries: 0,
    splits: 0,
    oversized: 0,
    cut: 0,
    loaded: 0,
    leftOut: 0,
    loadMillis: 0,
    queryMillis: 0,
  }));
  const queriesStarted = Date.now();
  const skipped = new Set<string>();
  let done = 0;
  const budgetSpent = () => options.budget > 0 && Date.now() - queriesStarted > options.budget * 1000;
  const tasks = batches.flatMap((batch, b) => DIALECTS.map((run, d) => async () => {
    // The library's patterns and the edge cases always run; generated batches while the budget lasts.
    const overBudget = () => b > 1 && budgetSpent();
    if (overBudget()) {
      skipped.add(batch.group);
      return;
    }
    await runBatch(trino, run, batch, corpus, tallies[d], failures, options.statements === 'batch', overBudget);
    if (++done % 50 === 0) {
      const sum = (k: 'passed' | 'failed') => tallies.reduce((n, t) => n + t[k], 0);
      console.log(`query-trino: ${done} of ${batches.length * DIALECTS.length} batch runs, ${sum('passed')} passed, ${sum('failed')} failed, `
        + `${((Date.now() - queriesStarted) / 1000).toFixed(0)} s`);
    }
  }));
  await inParallel(tasks, options.concurrency);
  const cut = tallies.reduce((n, t) => n + t.cut, 0);
  if (skipped.size > 0 || cut > 0) {
    const left = batches.filter((b) => skipped.has(b.group)).reduce((n, b) => n + b.patterns.length, 0);
    console.log(`query-trino: budget of ${options.budget} s reached: ${skipped.size} generated batches (${left} patterns) not run in at least one dialect, `
      + `and ${cut} patterns of started batches not run`);
  }
  let passed = 0;
  let failed = 0;
  DIALECTS.forEach((run, d) => {
    const tally = tallies[d];
    console.log(`query-trino: ${run.name}: ${tally.passed} patterns with exactly the engine's matches, ${tally.failed} without, `
      + `${tally.inexact} inexact (not compared); ${tally.queries} queries (${tally.splits} split in two as too complex to compile; `
      + `each within the service's length limit but for ${tally.oversized} patterns too long for it even alone, run here anyway), `
      + `${tally.rows} rows, ${(tally.queryMillis / 1000).toFixed(1)} s of query time; ${tally.loaded} generated records loaded in `
      + `${(tally.loadMillis / 1000).toFixed(1)} s, ${tally.leftOut} left out (the athena table cannot hold them as written: see fitsAthenaTable)`);
    passed += tally.passed;
    failed += tally.failed;
  });
  console.log(`query-trino: queries and comparisons ${((Date.now() - queriesStarted) / 1000).toFixed(1)} s with ${options.concurrency} at a time`);
  for (const failure of failures.slice(0, 20)) console.log(`FAIL ${failure}`);
  if (failures.length > 20) console.log(`... and ${failures.length - 20} more failures`);
  if (failures.length > 0 && failed === 0) failed = failures.length;
  console.log(`query-trino: whole proof ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`query-trino: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  console.log('query-trino: 0 passed, 1 failed');
  process.exitCode = 1;
});
