import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { runCli } from '../../src/cli/cli-program';
import { CliIo } from '../../src/cli/terminal';

/** One entry of test/fixtures/cloudtrail-records.json. */
export interface CorpusEntry {
  readonly id: string;
  readonly source_repo: string;
  readonly source_path: string;
  readonly source_commit?: string;
  readonly source_blob?: string;
  readonly license: string;
  readonly record: Record<string, any>;
}

export const CORPUS_FILE = path.join(__dirname, '..', 'fixtures', 'cloudtrail-records.json');
export const FIXTURES = path.join(__dirname, 'fixtures');

export function corpus(): CorpusEntry[] {
  return JSON.parse(fs.readFileSync(CORPUS_FILE, 'utf8')) as CorpusEntry[];
}

/** The corpus record with this id. */
export function corpusRecord(id: string): Record<string, any> {
  const entry = corpus().find((e) => e.id === id);
  if (!entry) throw new Error(`no ${id} in ${CORPUS_FILE}`);
  return entry.record;
}

/** A fresh temporary folder, removed after the test file. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `text` gzipped to `file` (folders created). */
export function writeGzip(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, gzipSync(Buffer.from(text, 'utf8')));
  return file;
}

/** Writes a CloudTrail log file as S3 delivers it: gzipped `{"Records": [...]}` on one line. */
export function writeCloudTrailLog(file: string, records: readonly object[]): string {
  return writeGzip(file, JSON.stringify({ Records: records }));
}

/** Writes `text` to `file` (folders created). */
export function writeText(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Output captured from one in-process run of the command line. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line in-process, as a pipe (not a terminal) unless `tty` is set. */
export async function cli(args: string[], options: { tty?: boolean; env?: Record<string, string>; stdin?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { isTTY: options.tty ?? false, write: (text: string) => { stdout += text; return true; } },
    stderr: { isTTY: options.tty ?? false, write: (text: string) => { stderr += text; return true; } },
    env: options.env ?? {},
    readStdin: async () => options.stdin ?? '',
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** Truncates a file to its first `keep` bytes (a download cut short). */
export function truncateFile(file: string, keep: number): void {
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, keep));
}
