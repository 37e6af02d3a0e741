import { Worker } from 'node:worker_threads';
import {
  type IsolatedCall,
  type IsolatedCallReport,
  type IsolatedRunOptions,
  isolatedRunnerFile,
  settleIsolatedCall,
} from './isolated-run.ts';

/**
 * Runs one call in a worker thread of its own. On abort the tool's signal aborts; if the thread is still
 * running `graceMs` later it is terminated, so JavaScript the tool had not yet run never runs. The thread is
 * ended when the call ends too, so nothing the tool left scheduled outlives it. Settles once the tool has reported
 * and its thread's termination is requested, or once the thread is gone.
 */
export function runInWorker(call: IsolatedCall, options: IsolatedRunOptions): Promise<unknown> {
  options.signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const worker = new Worker(isolatedRunnerFile, { workerData: call, stdout: true, stderr: true });
    // What the tool prints is not heed's output (it could break `--json`).
    worker.stdout.resume();
    worker.stderr.resume();
    let report: IsolatedCallReport | undefined;
    let crash = 'the worker exited before it reported a result';
    let deadline: NodeJS.Timeout | undefined;
    const onAbort = () => {
      worker.postMessage({ type: 'abort' });
      deadline = setTimeout(() => void worker.terminate(), options.graceMs);
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      options.signal.removeEventListener('abort', onAbort);
      const settled = settleIsolatedCall(report, options, crash);
      if (settled.ok) resolve(settled.value);
      else reject(settled.error);
    };
    worker.on('message', (message: IsolatedCallReport) => {
      report = message;
      // terminate() stops the thread's JavaScript before any more of it runs (V8's TerminateExecution, requested
      // synchronously), so the call settles now; the thread's teardown, a few milliseconds, goes on meanwhile.
      void worker.terminate();
      finish();
    });
    worker.on('error', (error) => {
      crash = `the worker failed: ${error.name}: ${error.message}`;
    });
    worker.once('exit', finish);
  });
}
