import { Worker } from 'node:worker_threads';

// Runs in its own thread with its own connection: a checkpoint copies the WAL into the database file and
// fsyncs it, which takes milliseconds; done inside a commit (SQLite's auto-checkpoint) it stalls the
// writer, and with it every agent step that waits for its audit entry.
const checkpointerSource = `
const { workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const flags = new Int32Array(workerData.flags);
const database = new DatabaseSync(workerData.path, { timeout: 1000 });
const timer = setInterval(() => {
  if (Atomics.load(flags, 0) === 1) {
    clearInterval(timer);
    database.close();
    Atomics.store(flags, 1, 1);
    Atomics.notify(flags, 1);
    return;
  }
  try {
    database.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch {
    // A busy or failing checkpoint is retried on the next tick; the writer's commits never depend on it.
  }
}, workerData.intervalMs);
`;

export interface WalCheckpointer {
  /** Stops the thread and closes its connection before returning, so the writer's close is the last one. */
  stop(): void;
}

/** Checkpoints `path`'s WAL every `intervalMs` from a worker thread; the writer turns its auto-checkpoint off. */
export function startWalCheckpointer(path: string, intervalMs = 1000): WalCheckpointer {
  const flags = new SharedArrayBuffer(8);
  const view = new Int32Array(flags);
  const worker = new Worker(checkpointerSource, { eval: true, workerData: { path, flags, intervalMs } });
  worker.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      Atomics.store(view, 0, 1);
      // Waits for the thread to close its connection (at most one interval and a checkpoint).
      Atomics.wait(view, 1, 0, intervalMs + 2000);
      void worker.terminate();
    },
  };
}
