/**
 * What bench:backtest and bench:query share: the event set they read, the rules they run and the
 * floor they measure it against, so both benchmarks read the same files with the same rules and
 * compare with the same floor.
 */
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';

const ROOT = path.join(__dirname, '..');

/** The 16 rules both benchmarks run: the post's three and thirteen more presets. */
export const BENCH_RULES: readonly string[] = [
  'allApiCalls', 'changes', 'authChanges', 'cisPolicyChanges', 'policyChanges', 'rootUserActivity', 'consoleSignIns',
  'consoleSignInWithoutMfa', 'failedConsoleSignIns', 'accessKeyChanges', 'mfaDeviceChanges', 'loginProfileChanges',
  'roleTrustPolicyChanges', 'permissionsBoundaryChanges', 'identityProviderChanges', 'groupMembershipChanges',
];
const DATA = path.join(ROOT, '.tmp', 'bench-backtest');

/**
 * The bench:backtest event set (cycled corpus records with fresh ids and rising times over 90 days),
 * written under .tmp/bench-backtest when missing; returns its AWSLogs folder.
 */
export function benchLogTree(options: { events: number; perFile: number }): string {
  const dir = path.join(DATA, `${options.events}-${options.perFile}`);
  const done = path.join(dir, 'complete');
  if (!fs.existsSync(done)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const corpus = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'cloudtrail-records.json'), 'utf8')) as Array<{ record: Record<string, unknown> }>;
    const start = Date.UTC(2024, 0, 1);
    const span = 90 * 86400_000;
    const started = Date.now();
    let written = 0;
    for (let file = 0; written < options.events; file++) {
      const count = Math.min(options.perFile, options.events - written);
      // Times rise through the input, as in a real trail, spread over 90 days.
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
    console.log(`generated ${written.toLocaleString('en-US')} events in ${dir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  return path.join(dir, 'AWSLogs');
}

/** The files of `benchLogTree`, in path order. */
export function benchLogFiles(options: { events: number; perFile: number }): string[] {
  return listFiles(benchLogTree(options));
}

/** Every file under a folder, in path order. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out.sort();
}

function uuid(n: number, salt: number): string {
  const hex = (v: number, width: number) => (v % 16 ** width).toString(16).padStart(width, '0');
  return `${hex(n * 2654435761 + salt, 8)}-${hex(salt, 4)}-4${hex(n, 3)}-8${hex(n * 31 + salt, 3)}-${hex(n * 104729 + salt * 13, 12)}`;
}

/**
 * The floor for one file: the fastest way measured here to read it at all, as `backtest` reads a
 * CloudTrail log file (readFileSync, gunzipSync, one UTF-8 decoding), then JSON.parse of the
 * document, and nothing else. (A read stream piped through a gunzip stream, as `backtest` reads
 * files over 8 MiB, runs about 0.7x this rate on the bench files.) Async so that the benchmarks'
 * sides are called the same way.
 */
export async function gunzipAndParse(file: string): Promise<number> {
  const document = JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8')) as { Records: unknown[] };
  return document.Records.length;
}
