// The entry point of an isolated tool call, in a worker thread or a child process: loads the tool's module,
// runs its export with an AbortSignal, and reports the result. It imports nothing of heed's, so it starts fast.
import { readlinkSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** What the runner is asked to run: functions cannot cross a thread or process, so a module and an export name. */
export interface IsolatedCall {
  module: string;
  exportName: string;
  input: unknown;
}

export type IsolatedCallReport =
  | { type: 'result'; value: unknown }
  | { type: 'error'; name: string; message: string }
  /** A child process's first word: its pid as heed sees it (in a PID namespace it is 1 to itself). */
  | { type: 'started'; pid: number };

type IsolatedFunction = (input: unknown, context: { signal: AbortSignal }) => unknown;

async function runCall(call: IsolatedCall, signal: AbortSignal): Promise<IsolatedCallReport> {
  try {
    const loaded = (await import(call.module)) as Record<string, unknown>;
    const run = loaded[call.exportName];
    if (typeof run !== 'function') {
      const known = Object.keys(loaded).join(', ') || '(none)';
      throw new TypeError(`module ${call.module} has no function export '${call.exportName}'; its exports: ${known}`);
    }
    const running = (run as IsolatedFunction)(call.input, { signal });
    // The tool has started its work: the abort is readied meanwhile.
    setImmediate(warmAbortPath);
    return { type: 'result', value: await running };
  } catch (error) {
    return error instanceof Error
      ? { type: 'error', name: error.name, message: error.message }
      : { type: 'error', name: 'Error', message: String(error) };
  }
}

const controller = new AbortController();
const abortReason = () =>
  Object.assign(new Error('The tool call was aborted: heed stopped it.'), { name: 'AbortError' });

/**
 * A runner aborts at most once, so its abort would run cold: V8 compiles the signal's event dispatch and the
 * error's stack capture on first use. Cold, the runner's SIGTERM handler took about 0.65 ms of a stop here, warmed
 * 0.3 ms. Run once on a throwaway controller while the tool works, they are ready when the stop comes.
 */
function warmAbortPath(): void {
  const warm = new AbortController();
  warm.signal.addEventListener('abort', () => undefined);
  warm.abort(abortReason());
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  port.on('message', (message: { type: string }) => {
    if (message.type === 'abort') controller.abort(abortReason());
  });
  void runCall(workerData as IsolatedCall, controller.signal).then((report) => port.postMessage(report));
} else if (process.send !== undefined) {
  // SIGTERM is the stop: it reaches the whole group, so the tool's own subprocesses hear it too. As the first
  // process of a PID namespace this runner gets only signals it handles, so the handler must be installed.
  process.on('SIGTERM', () => controller.abort(abortReason()));
  // /proc is the host's (the namespace mounts none of its own), so /proc/self names this process as heed sees it.
  process.send({ type: 'started', pid: Number(readlinkSync('/proc/self')) });
  process.once('message', (call: IsolatedCall) => {
    void runCall(call, controller.signal).then((report) => {
      // Exiting ends whatever the tool left running in this process (and, in a PID namespace, every descendant).
      process.send!(report, () => process.exit(0));
    });
  });
}
