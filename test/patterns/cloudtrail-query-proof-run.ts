/**
 * The full SQL proof (`npx projen test:query-proof`, a step of scripts/test-all.sh): every library
 * pattern, the edge cases and at least 10,000 valid generated patterns of every operator, run by
 * DuckDB over CloudTrail files, compared record for record with the engine. The jest file runs a
 * slice of it; this runs all, in batches of 50 patterns with the records generated near them.
 *
 *   --patterns N   generated patterns (default 11000: about 92% are valid, so over 10,000 compared)
 *   --at-least N   fail unless this many valid generated patterns were compared (default 10000)
 *   --seed S       seed of the generators (default 20240101)
 *
 * The last line is `query-proof: N passed, M failed` (patterns compared, patterns with a mismatch).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBInstance } from '@duckdb/node-api';
import { corpusRecords, edgeCaseBatch, engineMatches, generatedBatches, isValidPattern, libraryPatterns, writeLogFiles } from './cloudtrail-query-proof';
import { buildStatement } from '../../src/patterns/private/sql/query-statement';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<number> {
  const count = option('patterns', 11000);
  const atLeast = option('at-least', 10000);
  const seed = option('seed', 20240101);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-proof-'));
  const corpus = corpusRecords();
  const fixed = [{ patterns: libraryPatterns(), records: corpus }, edgeCaseBatch()];
  const batches = [...fixed, ...generatedBatches(seed, count, 50, corpus)];
  const started = Date.now();
  let passed = 0;
  let inexact = 0;
  let generated = 0;
  const failed = new Set<string>();
  const shown: string[] = [];
  for (const [i, batch] of batches.entries()) {
    const patterns = batch.patterns.filter((p) => isValidPattern(p.pattern));
    const files = writeLogFiles(path.join(dir, String(i)), batch.records);
    const statement = buildStatement(patterns, { dialect: 'duckdb', source: files });
    const skip = new Set(statement.inexactReasons.map((r) => r.slice(0, r.indexOf(': '))));
    if (i >= fixed.length) generated += patterns.length - skip.size;
    const got = new Map<string, number>();
    for (const row of (await connection.runAndReadAll(statement.sql)).getRowObjectsJson()) {
      const k = `${String(row.eventid)}|${String(row.pattern_name)}`;
      got.set(k, (got.get(k) ?? 0) + 1);
    }
    const want = engineMatches(patterns, batch.records);
    const bad = new Set<string>();
    for (const k of new Set([...want.keys(), ...got.keys()])) {
      const name = k.slice(k.indexOf('|') + 1);
      if (skip.has(name) || (want.get(k) ?? 0) === (got.get(k) ?? 0)) continue;
      bad.add(name);
      if (shown.length < 10) shown.push(`${k}: engine ${want.get(k) ?? 0}, DuckDB ${got.get(k) ?? 0}; pattern ${patterns.find((p) => p.name === name)?.pattern}`);
    }
    bad.forEach((b) => failed.add(`${i}:${b}`));
    passed += patterns.length - skip.size - bad.size;
    inexact += skip.size;
    fs.rmSync(path.join(dir, String(i)), { recursive: true, force: true });
  }
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
  shown.forEach((s) => console.log(`MISMATCH ${s}`));
  console.log(`seed ${seed}; ${generated} valid generated patterns of ${count} compared, with the library's and the edge cases; `
    + `${inexact} patterns reported inexact (not compared); ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Too few generated patterns is a failure of the proof, not a pass of fewer.
  const short = generated < atLeast ? 1 : 0;
  if (short) console.log(`query-proof: only ${generated} generated patterns compared, fewer than --at-least ${atLeast}`);
  console.log(`query-proof: ${passed} passed, ${failed.size + short} failed`);
  return failed.size + short > 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 2;
});
