import { createHash } from 'node:crypto';
import { maxEnvelopeBytes } from '../authority/envelope.ts';
import { canonicalJson } from '../core/canonical-json.ts';

/** A rejected order's input is kept whole up to this size; beyond it, only its size and hash. */
export const maxRecordedRejectedBytes = 8 * 1024;

export type OrderInputRecord =
  | { envelope: Record<string, unknown> }
  | { input: { bytes: number; sha256: string; kept: false; why: string } };

/**
 * What the audit log keeps of a rejected order's input: the whole envelope when it is a JSON object of at most
 * `maxRecordedRejectedBytes` (a forged stop is small, and whoever audits wants to re-verify it), otherwise its size
 * and hash, so junk cannot make the log grow by more than a line per rejection.
 */
export function orderInputRecord(input: unknown): OrderInputRecord {
  let text: string | undefined;
  let value: unknown = input;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString();
  if (text !== undefined && Buffer.byteLength(text) <= maxEnvelopeBytes) {
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
  }
  let canonical: string | undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    try {
      canonical = canonicalJson(value);
    } catch {
      canonical = undefined;
    }
  }
  const bytes = canonical ?? text ?? '';
  if (canonical?.isWellFormed() && Buffer.byteLength(canonical) <= maxRecordedRejectedBytes) {
    return { envelope: JSON.parse(canonical) as Record<string, unknown> };
  }
  const why =
    canonical === undefined
      ? 'not a JSON object'
      : canonical.isWellFormed()
        ? `larger than ${maxRecordedRejectedBytes} bytes`
        : 'holds malformed text (lone surrogates)';
  return {
    input: {
      bytes: Buffer.byteLength(bytes),
      sha256: createHash('sha256').update(bytes.toWellFormed()).digest('hex'),
      kept: false,
      why,
    },
  };
}
