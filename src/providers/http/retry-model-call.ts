// Trying a model call again after a rate limit, a server error or a refused or reset connection: exponential backoff with
// jitter (p-retry), at least as long as the server's Retry-After, and never once the caller has aborted.
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { ProviderConnectionError, ProviderHttpError } from '../provider-errors.ts';

export interface RetryOptions {
  /** Tries after the first (default 2; 0 turns retrying off). */
  retries?: number;
  /** The wait before the first retry, doubled for each further one and stretched ×1 to ×2 at random (default 500). */
  minDelayMs?: number;
  /**
   * The longest wait between tries, a server's Retry-After included (default 60 s): a server that asks for a
   * longer wait gets an error at once rather than a client that hangs.
   */
  maxDelayMs?: number;
  /** Told before each wait: which try failed, why, and how long until the next. */
  onRetry?: (retry: ModelCallRetry) => void;
}

export interface ModelCallRetry {
  /** The try that failed, from 1. */
  attempt: number;
  retriesLeft: number;
  delayMs: number;
  error: Error;
}

/** Whether a failed call may be tried again, and the wait the server asked for. */
export function retryableFailure(error: unknown): { retryAfterMs: number } | undefined {
  if (error instanceof ProviderHttpError && (error.status === 429 || error.status >= 500)) {
    return { retryAfterMs: error.retryAfterMs ?? 0 };
  }
  if (error instanceof ProviderConnectionError && error.retryable) return { retryAfterMs: 0 };
  return undefined;
}

/**
 * How long a `retry-after-ms` (milliseconds, OpenAI's) or `retry-after` header (seconds or an HTTP date) asks the
 * client to wait; undefined when neither says.
 */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): number | undefined {
  const first = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const milliseconds = Number(first('retry-after-ms'));
  if (first('retry-after-ms') !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const text = first('retry-after');
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function retryModelCall<Result>(
  call: () => Promise<Result>,
  options: RetryOptions & { signal: AbortSignal | undefined },
): Promise<Result> {
  const { signal } = options;
  const retries = options.retries ?? 2;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a whole number, not ${retries}`);
  if (retries === 0) return call();
  return pRetry(call, {
    retries,
    factor: 2,
    minTimeout: options.minDelayMs ?? 500,
    maxTimeout: maxDelayMs,
    randomize: true,
    ...(signal ? { signal } : {}),
    // p-retry calls this before its own backoff wait: the extra wait here makes the whole pause the longer of the
    // backoff and the server's Retry-After. A rejected wait (the caller aborted) ends the retries.
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retryDelay }) => {
      const retryable = retryableFailure(error);
      if (retryable === undefined || retriesLeft === 0 || signal?.aborted) return;
      if (retryable.retryAfterMs > maxDelayMs) return;
      const extraMs = Math.max(0, retryable.retryAfterMs - retryDelay);
      options.onRetry?.({ attempt: attemptNumber, retriesLeft, delayMs: retryDelay + extraMs, error });
      if (extraMs === 0) return;
      try {
        await sleep(extraMs, undefined, signal ? { signal } : {});
      } catch (error) {
        // The caller's own reason, as every aborted call reports it, not the timer's AbortError.
        throw signal?.aborted ? signal.reason : error;
      }
    },
    shouldRetry: ({ error }) => {
      const retryable = retryableFailure(error);
      return retryable !== undefined && retryable.retryAfterMs <= maxDelayMs && !signal?.aborted;
    },
  });
}
