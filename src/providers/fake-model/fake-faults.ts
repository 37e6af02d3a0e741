import { InvalidInputError } from '../../core/heed-error.ts';

/**
 * A scripted failure the fake model server answers with instead of its behaviour: an HTTP error status (429 with
 * a Retry-After, 500, 503, Anthropic's 529 "overloaded") or a connection reset before any byte of the answer.
 * Faults are used in order, one per request, on either protocol; after the last, the behaviour answers.
 */
export type FakeFault = { kind: 'status'; status: number; retryAfterMs?: number } | { kind: 'reset' };

/** Reads `--faults 429,503,reset` (with `--retry-after MS` for the statuses that carry one). */
export function parseFakeFaults(text: string, retryAfterMs?: number): FakeFault[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item): FakeFault => {
      if (item === 'reset') return { kind: 'reset' };
      const status = Number(item);
      if (!/^\d{3}$/.test(item) || status < 400 || status > 599) {
        throw new InvalidInputError(
          `Fault '${item}' must be an HTTP error status from 400 to 599 or 'reset', e.g. --faults 429,503,reset.`,
        );
      }
      return { kind: 'status', status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    });
}

/** Retry-After in both forms: OpenAI's `retry-after-ms`, and the standard header in whole seconds, rounded up. */
export function retryAfterHeaders(retryAfterMs: number | undefined): Record<string, string> {
  if (retryAfterMs === undefined) return {};
  return { 'retry-after-ms': String(retryAfterMs), 'retry-after': String(Math.ceil(retryAfterMs / 1000)) };
}
