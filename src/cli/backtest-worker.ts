/**
 * A worker thread of `backtest` (started by backtest-workers.ts): it matches the rules over the
 * files it is sent, one at a time, and answers with each file's problem and, when asked, its counts.
 */
import { parentPort, workerData } from 'worker_threads';
import { Backtest } from './backtest';
import type { FromWorker, ToWorker, WorkerSetup } from './backtest-workers';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const newBacktest = () => new Backtest(setup.patterns.map((json, i) => ({ name: String(i), json })));
let backtest = newBacktest();

function post(message: FromWorker): void {
  port.postMessage(message);
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'file') {
    // Progress in events: eventsRead counts the file being read, and drops its events if it is skipped.
    let reported = backtest.eventsRead;
    const report = (bytes: number) => {
      const events = backtest.eventsRead;
      post({ type: 'progress', bytes, events: events - reported });
      reported = events;
    };
    const problem = await backtest.readFile(message.file, { onBytes: report });
    post({ type: 'file', index: message.index, events: backtest.eventsRead - reported, ...(problem !== undefined ? { problem } : {}) });
  } else {
    post({ type: 'counts', counts: backtest.counts() });
    backtest = newBacktest();
  }
}

// Messages are handled one after the other, in the order sent (a file may be sent before the last is read).
let queue = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(() => handle(message)).catch((e: unknown) => {
    post({ type: 'failed', message: e instanceof Error ? e.stack ?? e.message : String(e) });
  });
});
post({ type: 'ready' });
