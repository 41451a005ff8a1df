/**
 * `backtest` on several worker threads gives what one thread gives: the same counts, tables,
 * problems in the same order, the same --json; progress adds up to the whole input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cli, corpus, tempDir, truncateFile, writeCloudTrailLog, writeText } from './cli-test-support';
import { BacktestWorkers, maxWorkers, readLogs } from '../../src/cli/backtest-workers';
import { findLogFiles } from '../../src/cli/log-files';
import { presetPattern } from '../../src/cli/pattern-source';

const dir = tempDir();
const logs = path.join(dir, 'AWSLogs');

beforeAll(() => {
  // Eleven files of corpus records over several days, a truncated gzip and a file with a bad line among them.
  const records = corpus().map((e) => e.record);
  for (let f = 0; f < 11; f++) {
    const day = `2024-0${1 + (f % 3)}-1${f % 10}`;
    const part = records.filter((_, i) => i % 11 === f).map((r) => ({ ...r, eventTime: `${day}T0${f % 10}:00:00Z` }));
    writeCloudTrailLog(path.join(logs, day.replace(/-/g, '/'), `f${String(f).padStart(2, '0')}.json.gz`), part);
  }
  const cut = writeCloudTrailLog(path.join(logs, '2024', '02', '15', 'cut.json.gz'), records.slice(0, 20));
  truncateFile(cut, 200);
  writeText(path.join(logs, '2024', '03', '01', 'lines.jsonl'), `${JSON.stringify(records[3])}\nnot json\n${JSON.stringify(records[4])}\n`);
});

// From TypeScript sources, the first threads wait for the sources to be transpiled (seconds); later ones start at once.
beforeAll(async () => {
  await (await BacktestWorkers.start([], 1)).close();
}, 120_000);

describe('the same result on any number of threads', () => {
  test.each([
    ['--json', ['--json']],
    ['text', []],
    ['text with presets and an exclusion', ['--preset', 'changes', '--preset', 'rootUserActivity', '--except-principal', 'arn:aws:iam::123456789012:user/alice']],
  ])('%s', async (_what, args) => {
    const one = await cli(['backtest', logs, '--workers', '1', ...args]);
    expect(one.stdout).toContain('skipped');
    for (const workers of ['2', '3']) {
      const many = await cli(['backtest', logs, '--workers', workers, ...args]);
      expect({ workers, code: many.code, stdout: many.stdout, stderr: many.stderr })
        .toEqual({ workers, code: one.code, stdout: one.stdout, stderr: one.stderr });
    }
  });

  test('problems in the order of the files, and every file counted', async () => {
    const result = JSON.parse((await cli(['backtest', logs, '--workers', '3', '--json'])).stdout);
    expect(result.problems.map((p: { file: string }) => path.basename(p.file))).toEqual(['cut.json.gz', 'lines.jsonl']);
    expect([result.totals.filesRead, result.totals.filesSkipped]).toEqual([12, 1]);
    expect(result.totals.recordsRead).toBe(corpus().length + 2);
  });
});

test('progress adds up to every byte, file and record read, from the threads', async () => {
  const set = await findLogFiles([logs]);
  let bytes = 0;
  let files = 0;
  let records = 0;
  const result = await readLogs([presetPattern('changes')], set, {
    workers: 3,
    onProgress: (b, f, r) => {
      bytes += b;
      files = Math.max(files, f);
      records = r;
    },
  });
  expect({ bytes, files, records }).toEqual({ bytes: set.totalBytes, files: set.files.length, records: result.totals.recordsRead });
});

test('threads read several inputs in turn, each from fresh counts', async () => {
  const set = await findLogFiles([logs]);
  const workers = await BacktestWorkers.start([presetPattern('allApiCalls').json], 2);
  try {
    const first = await workers.read(set.files);
    const second = await workers.read(set.files.slice(0, 3));
    const third = await workers.read([]);
    expect([first.counts.filesRead + first.counts.filesSkipped, second.counts.filesRead, third.counts.filesRead]).toEqual([13, 3, 0]);
    expect(second.counts.rules[0].alerts).toBeLessThan(first.counts.rules[0].alerts);
  } finally {
    await workers.close();
  }
});

test('a thread that cannot start fails the run with its reason', async () => {
  await expect(BacktestWorkers.start(['{"source": "not a list"}'], 1)).rejects.toThrow(/not valid/);
});

describe('--workers', () => {
  test.each(['0', '-1', '1.5', 'all', String(maxWorkers() + 1)])('%s is a usage error that says what to give', async (value) => {
    const run = await cli(['backtest', logs, '--workers', value]);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(`give a whole number from 1 to ${maxWorkers()}`)]);
  });

  test('more threads than files is fine', async () => {
    const one = path.join(dir, 'one-file');
    fs.mkdirSync(one);
    writeCloudTrailLog(path.join(one, 'a.json.gz'), corpus().slice(0, 5).map((e) => e.record));
    const run = await cli(['backtest', one, '--workers', '8', '--json']);
    expect([run.code, JSON.parse(run.stdout).totals.recordsRead]).toEqual([0, 5]);
  });
});
