import { existsSync, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { Backtest, BacktestCounts, BacktestOptions, BacktestResult, backtestResult, InputProblem, mergeCounts } from './backtest';
import { LogFile, LogFileSet } from './log-files';
import type { PatternChoice } from './pattern-source';

/**
 * `backtest` on every core: the files are shared out to worker threads as they become free, each
 * thread matches the rules over one file at a time (so memory stays flat per thread), and the
 * counts are summed at the end. Counts are sums and the report sorts every table, and each file's
 * problem is kept at the file's place in the list, so the result is the one a single thread gives.
 */

/** What a worker is started with. */
export interface WorkerSetup {
  /** The rules' patterns, in order. */
  readonly patterns: readonly string[];
  /** When running from TypeScript sources: their JavaScript, by file name (see `workerEntry`). */
  readonly sources?: ReadonlyMap<string, string>;
}

/** Messages to a worker. */
export type ToWorker =
  | { readonly type: 'file'; readonly index: number; readonly file: LogFile }
  | { readonly type: 'finish' };

/** Messages from a worker. */
export type FromWorker =
  | { readonly type: 'ready' }
  /** Compressed bytes read, and events read since the last message (negative when a file turned out bad). */
  | { readonly type: 'progress'; readonly bytes: number; readonly events: number }
  | { readonly type: 'file'; readonly index: number; readonly events: number; readonly problem?: InputProblem }
  | { readonly type: 'counts'; readonly counts: BacktestCounts }
  | { readonly type: 'failed'; readonly message: string };

/** Receives progress: bytes read since the last call, files done and events read in all. */
export type ProgressSink = (bytes: number, files: number, records: number) => void;

/** Files sent to a worker ahead of the one it reads, so that it never waits for the next. */
const FILES_IN_FLIGHT = 2;

/** Inputs smaller than this are read in one thread by default: starting threads would cost more than they save. */
export const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;

/** The number of cores, the default number of worker threads. */
export function coreCount(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

/** The most worker threads `--workers` accepts: more than this many per core only adds overhead. */
export function maxWorkers(): number {
  return Math.max(64, 4 * coreCount());
}

/** How to start a worker thread. */
interface WorkerEntry {
  /** A file, or code when `eval` is set. */
  readonly filename: string;
  readonly eval: boolean;
  /** JavaScript of TypeScript sources by file name, when running from sources. */
  readonly sources?: ReadonlyMap<string, string>;
}

/**
 * How to start a worker: the compiled file next to this one (the published package, lib/cli/), or,
 * when this runs from TypeScript sources (tests, benchmarks), the source, its modules transpiled
 * here once (`sourcesOf`) and compiled by each thread as it loads them.
 */
function workerEntry(): WorkerEntry {
  const compiled = path.join(__dirname, 'backtest-worker.js');
  if (existsSync(compiled)) {
    return { filename: compiled, eval: false };
  }
  const source = path.join(__dirname, 'backtest-worker.ts');
  return {
    filename: 'const { workerData } = require("worker_threads");\n'
      + 'require.extensions[".ts"] = (module, file) => module._compile(workerData.sources.get(file), file);\n'
      + `require(${JSON.stringify(source)});\n`,
    eval: true,
    sources: sourcesOf(source),
  };
}

let transpiled: Map<string, string> | undefined;

/**
 * The JavaScript of a TypeScript file and of every source file it imports, transpiled (no type
 * check) with the project's options, once per process: starting ts-node in each thread would
 * load TypeScript and transpile the same files again there, which takes seconds.
 */
function sourcesOf(entry: string): ReadonlyMap<string, string> {
  if (transpiled?.has(entry)) {
    return transpiled;
  }
  // A development dependency, present wherever the sources are run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  const ts = require('typescript') as typeof import('typescript');
  const root = path.join(__dirname, '..', '..');
  const config = ts.readConfigFile(path.join(root, 'tsconfig.dev.json'), ts.sys.readFile).config as object;
  const options = { ...ts.parseJsonConfigFileContent(config, ts.sys, root).options, noEmit: false, module: ts.ModuleKind.CommonJS };
  const out = transpiled ?? new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (out.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    out.set(file, ts.transpileModule(text, { compilerOptions: options, fileName: file }).outputText);
    for (const m of text.matchAll(/(?:\bfrom|\bimport|\brequire\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      const found = [`${target}.ts`, path.join(target, 'index.ts')].find((f) => existsSync(f));
      if (found !== undefined) pending.push(found);
    }
  }
  transpiled = out;
  return out;
}

/** One worker thread and what is pending with it. */
interface Thread {
  readonly worker: Worker;
  /** Files sent and not yet reported. */
  inFlight: number;
  /** Why the thread stopped, once it has. */
  stopped?: Error;
}

/** Worker threads that read log files for a set of rules; reusable for several reads, then closed. */
export class BacktestWorkers {
  /**
   * Starts `count` threads and waits until each has compiled the rules.
   *
   * @param patterns the rules' patterns (each must be valid)
   */
  public static async start(patterns: readonly string[], count: number): Promise<BacktestWorkers> {
    const entry = workerEntry();
    const setup: WorkerSetup = { patterns: [...patterns], ...(entry.sources !== undefined ? { sources: entry.sources } : {}) };
    const threads: Thread[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const thread: Thread = { worker: new Worker(entry.filename, { eval: entry.eval, workerData: setup }), inFlight: 0 };
        // Kept for the thread's life, so that a failure between two reads is not thrown but reported by the next.
        thread.worker.on('error', (e) => { thread.stopped ??= e; });
        thread.worker.on('exit', (code) => { thread.stopped ??= new Error(`a backtest worker thread stopped (exit code ${code})`); });
        threads.push(thread);
      }
      await Promise.all(threads.map((t) => new Promise<void>((resolve, reject) => {
        t.worker.once('error', reject);
        t.worker.once('message', (m: FromWorker) => (m.type === 'ready' ? resolve() : reject(new Error(`worker: ${JSON.stringify(m)}`))));
      })));
    } catch (e) {
      await Promise.all(threads.map((t) => t.worker.terminate()));
      throw e;
    }
    return new BacktestWorkers(threads);
  }

  private constructor(private readonly threads: Thread[]) {}

  /** How many threads there are. */
  public get size(): number {
    return this.threads.length;
  }

  /**
   * Reads the files, shared out to the threads; returns their summed counts and each file's
   * problem, in the files' order.
   */
  public read(files: readonly LogFile[], onProgress?: ProgressSink): Promise<{ counts: BacktestCounts; problems: InputProblem[] }> {
    return new Promise((resolve, reject) => {
      const stopped = this.threads.find((t) => t.stopped !== undefined);
      if (stopped !== undefined) {
        reject(stopped.stopped);
        return;
      }
      const problems: Array<InputProblem | undefined> = new Array(files.length);
      let next = 0;
      let done = 0;
      let records = 0;
      const collected: BacktestCounts[] = [];
      // Only this read's own listeners are removed: a Worker stops delivering messages when its last
      // 'message' listener goes, and starts again when one is added.
      const listeners: Array<() => void> = [];
      const settle = () => listeners.forEach((remove) => remove());
      const fail = (e: Error) => {
        settle();
        reject(e);
      };
      const send = (t: Thread) => {
        while (t.inFlight < FILES_IN_FLIGHT && next < files.length) {
          const message: ToWorker = { type: 'file', index: next, file: files[next] };
          next++;
          t.inFlight++;
          t.worker.postMessage(message);
        }
      };
      const finish = () => {
        this.threads.forEach((t) => t.worker.postMessage({ type: 'finish' } satisfies ToWorker));
      };
      for (const t of this.threads) {
        const onError = (e: Error) => fail(e);
        const onExit = (code: number) => fail(new Error(`a backtest worker thread stopped (exit code ${code})`));
        const onMessage = (m: FromWorker) => {
          switch (m.type) {
            case 'progress':
              records += m.events;
              onProgress?.(m.bytes, done, records);
              break;
            case 'file':
              problems[m.index] = m.problem;
              records += m.events;
              done++;
              t.inFlight--;
              onProgress?.(0, done, records);
              send(t);
              if (done === files.length) finish();
              break;
            case 'counts':
              collected.push(m.counts);
              if (collected.length === this.threads.length) {
                settle();
                resolve({
                  counts: collected.reduce(mergeCounts),
                  problems: problems.filter((p): p is InputProblem => p !== undefined),
                });
              }
              break;
            case 'failed':
              fail(new Error(`a backtest worker thread failed: ${m.message}`));
              break;
            default:
              fail(new Error(`unexpected message from a backtest worker thread: ${JSON.stringify(m)}`));
          }
        };
        t.worker.on('error', onError).on('exit', onExit).on('message', onMessage);
        listeners.push(() => t.worker.off('error', onError).off('exit', onExit).off('message', onMessage));
      }
      if (files.length === 0) {
        finish();
      } else {
        this.threads.forEach(send);
      }
    });
  }

  /** Stops the threads. */
  public async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

/** Options for `readLogs`. */
export interface ReadLogsOptions extends BacktestOptions {
  /**
   * Worker threads. 1 reads in this thread.
   *
   * @default the number of cores, or 1 for inputs under `PARALLEL_MIN_BYTES`
   */
  readonly workers?: number;
  readonly onProgress?: ProgressSink;
}

/**
 * The backtest of the rules over the files: in this thread, or in worker threads when there are
 * several files and more than one thread is wanted. The result is the same either way.
 */
export async function readLogs(rules: readonly PatternChoice[], set: LogFileSet, options: ReadLogsOptions = {}): Promise<BacktestResult> {
  const wanted = options.workers ?? (set.totalBytes < PARALLEL_MIN_BYTES ? 1 : coreCount());
  const threads = Math.min(wanted, set.files.length);
  if (threads <= 1) {
    const backtest = new Backtest(rules, options);
    let files = 0;
    for (const file of set.files) {
      await backtest.readFile(file, { onBytes: (bytes) => options.onProgress?.(bytes, files, backtest.eventsRead) });
      files++;
    }
    return backtest.result(set);
  }
  const workers = await BacktestWorkers.start(rules.map((r) => r.json), threads);
  try {
    const { counts, problems } = await workers.read(set.files, options.onProgress);
    return backtestResult(rules, counts, problems, set, options);
  } finally {
    await workers.close();
  }
}
