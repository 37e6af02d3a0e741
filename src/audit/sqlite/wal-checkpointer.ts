import { Worker } from 'node:worker_threads';

// Runs in its own thread with its own connection: a checkpoint copies the WAL into the database file and
// fsyncs it, which takes milliseconds; done inside a commit (SQLite's auto-checkpoint) it stalls the
// writer, and with it every agent step that waits for its audit entry.
const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const flags = new Int32Array(workerData.flags);
const database = new DatabaseSync(workerData.path, { timeout: 1000 });
const timer = setInterval(() => {
  try {
    database.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch {
    // A busy or failing checkpoint is retried on the next tick; the writer's commits never depend on it.
  }
}, workerData.intervalMs);
// Stopping is a message, not a flag read on the next tick, so a close never waits out an interval.
parentPort.once('message', () => {
  clearInterval(timer);
  database.close();
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
  parentPort.close();
});
`;

/** How long a stop waits for the thread: its start, and a checkpoint it may be in the middle of. */
const stopWaitMs = 5000;

export interface WalCheckpointer {
  /**
   * Stops the thread and waits until it has closed its connection, so the writer's close is the last one.
   * Returns false when the thread did not confirm within the bound (it is terminated regardless).
   */
  stop(): boolean;
}

/** Checkpoints `path`'s WAL every `intervalMs` from a worker thread; the writer turns its auto-checkpoint off. */
export function startWalCheckpointer(path: string, intervalMs = 1000): WalCheckpointer {
  const flags = new SharedArrayBuffer(4);
  const closed = new Int32Array(flags);
  const worker = new Worker(checkpointerSource, { eval: true, workerData: { path, flags, intervalMs } });
  worker.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return Atomics.load(closed, 0) === 1;
      stopped = true;
      worker.postMessage('stop');
      // Blocks this thread only; the worker runs on its own and answers as soon as it reads the message.
      const answer = Atomics.wait(closed, 0, 0, stopWaitMs);
      void worker.terminate();
      return answer !== 'timed-out';
    },
  };
}
