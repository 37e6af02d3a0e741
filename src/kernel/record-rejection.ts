// What the audit log keeps of a rejected order. Anyone who can reach the control endpoint can send junk, so each
// record is bounded (a detail of at most 512 bytes, the body's hash and size, and the envelope itself only when it
// is a small JSON object an auditor would want to re-verify) and records are rate-limited: past the budget they are
// counted, and the count is written once the flood ebbs.
import { sha256Hex } from '../core/hash.ts';
import type { KernelRuntime } from './kernel-runtime.ts';
import { orderInputRecord } from './order-input-record.ts';

export const maxRejectionDetailBytes = 512;

export interface RejectionBudgetOptions {
  /** Records allowed at once after a quiet spell. */
  burst: number;
  /** Records allowed per second once the burst is spent. */
  perSecond: number;
}

export const defaultRejectionBudget: RejectionBudgetOptions = { burst: 50, perSecond: 10 };

/** At most `maxRejectionDetailBytes` of UTF-8; a cut inside a character leaves U+FFFD, never half a code point. */
export function boundedDetail(detail: string): string {
  const bytes = Buffer.from(detail, 'utf8');
  if (bytes.byteLength <= maxRejectionDetailBytes) return detail;
  const marker = '…';
  return `${bytes.subarray(0, maxRejectionDetailBytes - Buffer.byteLength(marker)).toString('utf8')}${marker}`;
}

/** The hash and size of what was sent, so a rejected body can be matched to a copy without storing it. */
export function bodyDigest(input: unknown): { bodySha256: string; bodyBytes: number } | undefined {
  let bytes: Uint8Array;
  if (typeof input === 'string') bytes = Buffer.from(input, 'utf8');
  else if (input instanceof Uint8Array) bytes = input;
  else {
    try {
      const text = JSON.stringify(input);
      if (text === undefined) return undefined;
      bytes = Buffer.from(text, 'utf8');
    } catch {
      return undefined;
    }
  }
  return { bodySha256: sha256Hex(bytes), bodyBytes: bytes.byteLength };
}

/** A token bucket over rejection records, with a count of those it turned away. */
export class RejectionBudget {
  readonly #options: RejectionBudgetOptions;
  #tokens: number;
  #refilledAt: number;
  #dropped = 0;

  constructor(now: number, options: RejectionBudgetOptions = defaultRejectionBudget) {
    this.#options = options;
    this.#tokens = options.burst;
    this.#refilledAt = now;
  }

  /** Whether to record this rejection; when it is recorded, how many were dropped before it (then reset). */
  take(now: number): { record: true; droppedBefore: number } | { record: false } {
    const elapsedSeconds = Math.max(0, now - this.#refilledAt) / 1000;
    this.#tokens = Math.min(this.#options.burst, this.#tokens + elapsedSeconds * this.#options.perSecond);
    this.#refilledAt = now;
    if (this.#tokens < 1) {
      this.#dropped += 1;
      return { record: false };
    }
    this.#tokens -= 1;
    const droppedBefore = this.#dropped;
    this.#dropped = 0;
    return { record: true, droppedBefore };
  }

  /** Rejections dropped since the last record; taking them resets the count. */
  takeDropped(): number {
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }
}

/** Records one rejected order, bounded, within the budget; past it, counts it and writes the count a second later. */
export function recordRejection(
  runtime: KernelRuntime,
  input: unknown,
  rejection: { id: string | null; reason: string; detail: string },
): void {
  const admitted = runtime.rejections.take(runtime.clock.now());
  if (!admitted.record) {
    if (runtime.droppedRejectionsTimer === null) {
      const timer = setTimeout(() => {
        runtime.droppedRejectionsTimer = null;
        runtime.timers.delete(timer);
        recordDroppedRejections(runtime);
      }, 1000);
      timer.unref();
      runtime.timers.add(timer);
      runtime.droppedRejectionsTimer = timer;
    }
    return;
  }
  const kept = orderInputRecord(input);
  runtime.recorder.note('order-rejected', {
    id: rejection.id,
    reason: rejection.reason,
    detail: boundedDetail(rejection.detail),
    ...bodyDigest(input),
    ...('envelope' in kept ? { envelope: kept.envelope } : {}),
    ...(admitted.droppedBefore > 0 ? { droppedBefore: admitted.droppedBefore } : {}),
  });
}

/** Writes how many rejections went unrecorded, if any: after a flood, and before the halt entry. */
export function recordDroppedRejections(runtime: KernelRuntime): void {
  const dropped = runtime.rejections.takeDropped();
  if (dropped === 0 || runtime.recorder.failed) return;
  runtime.recorder.note('order-rejected', {
    id: null,
    reason: 'rate-limited',
    detail: `${dropped} rejected order(s) were not recorded one by one: more arrived than the log records per second`,
    dropped,
  });
}
