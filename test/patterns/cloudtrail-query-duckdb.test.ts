/**
 * The SQL proof, run by DuckDB: for every pattern of the library and for generated patterns of
 * every operator, the rows of the `duckdb` dialect are exactly the engine's matches on the
 * EventBridge envelopes of the records, record for record (as a multiset of eventID and pattern:
 * some fixture records share an eventID or lack one). Patterns the dialect reports as inexact are
 * left out of the comparison, and counted.
 *
 * The generated part runs SQL_PROOF_PATTERNS patterns (default 300, a few seconds here), a quick check
 * while working; the full run of over 10,000, a step of `npm run test:all`, is
 * `npx projen test:query-proof` (test/patterns/cloudtrail-query-proof-run.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DuckDBInstance, DuckDBConnection } from '@duckdb/node-api';
import { corpusRecords, edgeCaseBatch, engineMatches, generatedBatches, isValidPattern, libraryPatterns, ProofBatch, writeLogFiles } from './cloudtrail-query-proof';
import { buildStatement } from '../../src/patterns/private/sql/query-statement';

jest.setTimeout(300000);

const GENERATED = Number(process.env.SQL_PROOF_PATTERNS ?? 300);

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let dir: string;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-proof-'));
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  readonly compared: number;
  readonly inexact: number;
  readonly mismatches: string[];
}

async function prove(batch: ProofBatch, name: string): Promise<Outcome> {
  const patterns = batch.patterns.filter((p) => isValidPattern(p.pattern));
  const files = writeLogFiles(path.join(dir, name), batch.records);
  const statement = buildStatement(patterns, { dialect: 'duckdb', source: files });
  const inexact = new Set(statement.inexactReasons.map((r) => r.slice(0, r.indexOf(': '))));
  const rows = (await connection.runAndReadAll(statement.sql)).getRowObjectsJson();
  const got = new Map<string, number>();
  for (const row of rows) {
    const k = `${String(row.eventid)}|${String(row.pattern_name)}`;
    got.set(k, (got.get(k) ?? 0) + 1);
  }
  const want = engineMatches(patterns, batch.records);
  const mismatches: string[] = [];
  for (const k of new Set([...want.keys(), ...got.keys()])) {
    if (inexact.has(k.slice(k.indexOf('|') + 1))) continue;
    if ((want.get(k) ?? 0) !== (got.get(k) ?? 0)) {
      const pattern = patterns.find((p) => p.name === k.slice(k.indexOf('|') + 1))?.pattern;
      mismatches.push(`${k}: engine ${want.get(k) ?? 0}, DuckDB ${got.get(k) ?? 0}; pattern ${pattern}`);
    }
  }
  return { compared: patterns.length - inexact.size, inexact: inexact.size, mismatches };
}

test('every library pattern: DuckDB rows are the engine matches on the fixture corpus', async () => {
  const patterns = libraryPatterns().filter((p) => isValidPattern(p.pattern));
  const outcome = await prove({ patterns, records: corpusRecords() }, 'library');
  expect(outcome.mismatches).toEqual([]);
  // The presets and workload patterns are all translated exactly.
  expect(outcome.inexact).toBe(0);
  expect(outcome.compared).toBeGreaterThanOrEqual(30);
});

test(`${GENERATED} generated patterns of every operator: DuckDB rows are the engine matches`, async () => {
  const batches = generatedBatches(20240101, GENERATED, 50, corpusRecords());
  let compared = 0;
  let inexact = 0;
  const mismatches: string[] = [];
  for (const [i, batch] of batches.entries()) {
    const outcome = await prove(batch, `generated-${i}`);
    compared += outcome.compared;
    inexact += outcome.inexact;
    mismatches.push(...outcome.mismatches);
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
  // Every generated pattern is translated exactly (a few are refused by the engine as invalid).
  expect(inexact).toBe(0);
  expect(compared).toBeGreaterThan(GENERATED * 0.9);
});

test('address spellings and line breaks: DuckDB rows are the engine matches', async () => {
  const batch = edgeCaseBatch();
  const outcome = await prove(batch, 'edges');
  expect(outcome.mismatches).toEqual([]);
  expect(outcome.inexact).toBe(0);
  expect(outcome.compared).toBe(batch.patterns.length);
  // The batch can tell right from wrong: the engine matches some records and not others with each block.
  const matches = engineMatches(batch.patterns, batch.records);
  for (const name of ['edge-v4-block-ip', 'edge-v6-block-ip', 'edge-v4-pair-nested', 'edge-ignore-case-ip']) {
    const hits = [...matches.keys()].filter((k) => k.endsWith(`|${name}`)).length;
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThan(batch.records.length);
  }
});
