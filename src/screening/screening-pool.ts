// Screening off the caller's event loop: worker threads, each with its own screener, and a deadline per input.
// Untrusted text may be built to make screening slow; on the kernel's own thread that would delay a stop. In a
// worker it delays nothing else, and past the deadline the worker is ended and the input is refused (fail closed).
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HeedError, InvalidInputError } from '../core/heed-error.ts';
import type { ScreeningThresholds, ScreeningVerdict, ScreenOptions } from './screener.ts';
import type { ScreeningReply, ScreeningRequest, ScreeningWorkerData } from './screening-worker.ts';

export interface ScreeningPoolOptions {
  /** Passed to each worker's `createScreener`: plain data only. */
  screener?: { thresholds?: Partial<ScreeningThresholds>; maxCharacters?: number };
  /** A module exporting `createScreener(options)`; heed's own screener by default. */
  module?: URL;
  /** Worker threads (default 1). */
  size?: number;
  /** How long one input may take once a worker has it, in milliseconds (default 2,000). */
  deadlineMs?: number;
}

export interface ScreeningPool {
  readonly deadlineMs: number;
  /** Rejects with a `ScreeningDeadlineError` past the deadline, and with the signal's reason on abort. */
  screen(text: string, options: ScreenOptions): Promise<ScreeningVerdict>;
  close(): Promise<void>;
}

/** Screening did not finish in time: the input was not screened and must not be shown as if it were. */
export class ScreeningDeadlineError extends HeedError {
  constructor(deadlineMs: number) {
    super('screening-deadline', `screening did not finish within ${deadlineMs} ms`);
  }
}

interface Job {
  id: number;
  request: ScreeningRequest;
  resolve: (verdict: ScreeningVerdict) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

interface Lane {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

// Beside this file, with its extension: `.ts` from source, `.js` once built.
const workerFile = new URL(`./screening-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
const defaultModule = new URL(`./screener${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export function createScreeningPool(options: ScreeningPoolOptions = {}): ScreeningPool {
  const size = options.size ?? 1;
  const deadlineMs = options.deadlineMs ?? 2000;
  if (!Number.isInteger(size) || size < 1)
    throw new InvalidInputError(`A screening pool needs 1 or more workers, not ${size}.`);
  if (!(deadlineMs > 0)) throw new InvalidInputError(`A screening deadline must be positive, not ${deadlineMs}.`);
  const data: ScreeningWorkerData = {
    module: (options.module ?? defaultModule).href,
    options: { ...options.screener },
  };
  const queue: Job[] = [];
  let nextId = 0;
  let closed = false;
  let startFailure: string | undefined;

  const settle = (job: Job, outcome: { verdict: ScreeningVerdict } | { error: unknown }): void => {
    if (job.settled) return;
    job.settled = true;
    if ('verdict' in outcome) job.resolve(outcome.verdict);
    else job.reject(outcome.error);
  };

  const start = (): Lane => {
    const lane: Lane = {
      worker: new Worker(workerFile, { workerData: data }),
      ready: false,
      job: undefined,
      timer: undefined,
    };
    lane.worker.unref();
    lane.worker.on('message', (reply: ScreeningReply) => {
      if ('ready' in reply) {
        lane.ready = true;
      } else if ('failed' in reply) {
        startFailure = reply.failed;
        for (const job of queue.splice(0)) settle(job, { error: new HeedError('screening-unavailable', reply.failed) });
        return;
      } else if (lane.job !== undefined && reply.id === lane.job.id) {
        clearTimeout(lane.timer);
        const job = lane.job;
        lane.job = undefined;
        lane.worker.unref();
        settle(
          job,
          'verdict' in reply ? { verdict: reply.verdict } : { error: new HeedError('screening-failed', reply.error) },
        );
      }
      dispatch();
    });
    lane.worker.on('error', (error) => replace(lane, error));
    lane.worker.on('exit', () => {
      // A worker that could not load its screener is not restarted: every input is refused with the reason.
      if (!closed && startFailure === undefined)
        replace(lane, new HeedError('screening-failed', 'the screening worker exited'));
    });
    return lane;
  };

  const lanes: Lane[] = Array.from({ length: size }, start);

  /** Ends a lane's worker (stuck past its deadline, or broken) and starts a fresh one in its place. */
  function replace(lane: Lane, error: unknown): void {
    const index = lanes.indexOf(lane);
    if (index < 0) return;
    clearTimeout(lane.timer);
    if (lane.job !== undefined) settle(lane.job, { error });
    lane.job = undefined;
    lane.worker.removeAllListeners();
    void lane.worker.terminate();
    if (closed) return;
    lanes[index] = start();
  }

  function dispatch(): void {
    for (const lane of lanes) {
      if (!lane.ready || lane.job !== undefined) continue;
      let job = queue.shift();
      while (job?.settled) job = queue.shift();
      if (job === undefined) return;
      lane.job = job;
      lane.worker.ref();
      lane.timer = setTimeout(() => replace(lane, new ScreeningDeadlineError(deadlineMs)), deadlineMs);
      lane.worker.postMessage(job.request);
    }
  }

  return {
    deadlineMs,
    screen(text, screenOptions) {
      if (closed) return Promise.reject(new HeedError('screening-unavailable', 'the screening pool is closed'));
      if (startFailure !== undefined) return Promise.reject(new HeedError('screening-unavailable', startFailure));
      const signal = screenOptions.signal;
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<ScreeningVerdict>((resolve, reject) => {
        nextId += 1;
        const request: ScreeningRequest = {
          id: nextId,
          text,
          options: {
            provenance: screenOptions.provenance,
            ...(screenOptions.principals === undefined ? {} : { principals: [...screenOptions.principals] }),
          },
        };
        const onAbort = () => settle(job, { error: signal!.reason });
        const job: Job = {
          id: nextId,
          request,
          settled: false,
          resolve: (verdict) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(verdict);
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        // An aborted input is answered at once; a worker busy with it still ends it or meets the deadline.
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(job);
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0))
        settle(job, { error: new HeedError('screening-unavailable', 'the screening pool closed') });
      await Promise.all(
        lanes.map((lane) => {
          clearTimeout(lane.timer);
          if (lane.job !== undefined)
            settle(lane.job, { error: new HeedError('screening-unavailable', 'the screening pool closed') });
          lane.worker.removeAllListeners();
          return lane.worker.terminate();
        }),
      );
    },
  };
}
