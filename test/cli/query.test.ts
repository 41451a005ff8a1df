/**
 * `query` (SQL for presets, pattern files and template rules) and `backtest --engine duckdb` (the
 * same report as the native engine).
 */
import * as fs from 'fs';
import * as path from 'path';
import { cli, corpus, FIXTURES, tempDir, writeCloudTrailLog, writeGzip, writeText } from './cli-test-support';
import { loadDuckDb } from '../../src/cli/duckdb-backtest';

jest.setTimeout(120000);

const dir = tempDir();

describe('query', () => {
  test('prints Athena SQL for presets, one row per record and preset', async () => {
    const run = await cli(['query', '--preset', 'changes', '--preset', 'consoleSignIns', '--table', 'sec.trail', '--since', '2024-01-01', '--account', '111122223333']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('FROM sec.trail');
    expect(run.stdout).toContain("THEN 'changes' END");
    expect(run.stdout).toContain("THEN 'consoleSignIns' END");
    expect(run.stdout).toContain("account IN ('111122223333')");
  });

  test('names the rows of pattern files by the file, and of template rules by the rule', async () => {
    const pattern = path.join(FIXTURES, 'create-user-pattern.json');
    const run = await cli(['query', '--pattern', pattern, '--template', path.join(FIXTURES, 'rules.template.json'), '--dialect', 'duckdb']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`THEN '${pattern}' END`);
    expect(run.stderr).toContain('skipped');
  });

  test('refuses an inexact translation, naming why, unless --accept-inexact', async () => {
    const file = writeText(path.join(dir, 'mgmt.json'), JSON.stringify({ detail: { managementEvent: [false] } }));
    const refused = await cli(['query', '--pattern', file, '--dialect', 'athena']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('the Athena CloudTrail table has no column for detail.managementEvent');
    expect(refused.stderr).toContain('--accept-inexact');
    const accepted = await cli(['query', '--pattern', file, '--dialect', 'athena', '--accept-inexact']);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/^-- Inexact translation \(--accept-inexact\)/);
    // DuckDB reads whole records: exact.
    expect((await cli(['query', '--pattern', file, '--dialect', 'duckdb'])).code).toBe(0);
  });

  test('splits CloudTrail Lake SQL into statements within StartQuery\'s 10,000 characters, saying which patterns each holds', async () => {
    const presets = ['changes', 'authChanges', 'policyChanges', 'accessKeyChanges'];
    const run = await cli(['query', ...presets.flatMap((p) => ['--preset', p]), '--dialect', 'cloudtrail-lake', '--table', 'EXAMPLE-f852-4e8f-8bd1']);
    expect(run.code).toBe(0);
    const statements = run.stdout.split(';\n\n');
    expect(statements.length).toBeGreaterThan(1);
    for (const sql of statements) expect(sql.length).toBeLessThanOrEqual(10_000);
    // Every preset in exactly one statement, in the order given, as stderr lists them.
    const held = statements.map((sql) => presets.filter((p) => sql.includes(`THEN '${p}' END`)));
    expect(held.flat()).toEqual(presets);
    expect(run.stderr).toContain(`${statements.length} statements, each within CloudTrail Lake's StartQuery limit of 10,000 characters`);
    held.forEach((names, i) => expect(run.stderr).toContain(`  ${i + 1}: ${names.join(', ')}\n`));
  });

  test('refuses a pattern whose CloudTrail Lake statement is too long even alone, naming the dialects that take it', async () => {
    const run = await cli(['query', '--preset', 'changes', '--preset', 'rootUserActivity', '--dialect', 'cloudtrail-lake', '--table', 'EXAMPLE-f852-4e8f-8bd1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("The cloudtrail-lake SQL of 'rootUserActivity' is longer than CloudTrail Lake's StartQuery limit of 10,000 characters even alone.");
    expect(run.stderr).toContain('--dialect athena');
    // Athena takes it, in one statement.
    const athena = await cli(['query', '--preset', 'changes', '--preset', 'rootUserActivity', '--dialect', 'athena']);
    expect(athena.code).toBe(0);
    expect(athena.stderr).toBe('');
  });

  test.each([
    [['query', '--dialect', 'presto'], "--dialect must be athena, cloudtrail-lake or duckdb, got 'presto'"],
    [['query', '--since', 'yesterday'], "since 'yesterday' is not a UTC date or time."],
    [['query', '--dialect', 'cloudtrail-lake'], 'CloudTrail Lake needs the event data store id as table'],
    [['query', '--preset', 'nope'], "unknown preset 'nope'"],
  ])('usage errors: %j', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('backtest --engine duckdb', () => {
  test('gives the same report as the native engine, problems and fallbacks included', async () => {
    const records = corpus().map((e) => e.record);
    const tree = path.join(dir, 'AWSLogs');
    writeCloudTrailLog(path.join(tree, 'a', 'one.json.gz'), records.slice(0, 150));
    writeCloudTrailLog(path.join(tree, 'b', 'two.json.gz'), records.slice(150));
    // Read natively: an entry that is not a record, a truncated file, JSON lines.
    writeCloudTrailLog(path.join(tree, 'c', 'mixed.json.gz'), [records[0], { foo: 1 }]);
    writeGzip(path.join(tree, 'c', 'bad.json.gz'), '{"Records": [');
    writeText(path.join(tree, 'c', 'lines.jsonl'), records.slice(0, 3).map((r) => JSON.stringify(r)).join('\n'));
    const args = ['backtest', tree, '--preset', 'changes', '--preset', 'rootUserActivity', '--preset', 'consoleSignInWithoutMfa', '--json'];
    const native = await cli(args);
    const duck = await cli([...args, '--engine', 'duckdb']);
    expect(duck.stderr).toBe('');
    expect(JSON.parse(duck.stdout)).toEqual(JSON.parse(native.stdout));
    expect(duck.code).toBe(native.code);
    expect(JSON.parse(duck.stdout).rules[0].alerts).toBeGreaterThan(0);
    // And the text report.
    const text = await cli(['backtest', tree, '--preset', 'changes', '--engine', 'duckdb']);
    expect(text.stdout).toBe((await cli(['backtest', tree, '--preset', 'changes'])).stdout);
  });

  test('an unknown engine is a usage error', async () => {
    const run = await cli(['backtest', dir, '--engine', 'spark']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('give native or duckdb.');
  });

  test('DuckDB missing: the message says how to install it', () => {
    expect(() => loadDuckDb('@duckdb/no-such-package')).toThrow('--engine duckdb needs the npm package @duckdb/node-api, which is not installed');
    expect(() => loadDuckDb('@duckdb/no-such-package')).toThrow('Fix: npm install @duckdb/node-api');
    expect(fs.existsSync(dir)).toBe(true);
  });
});
