import { hashFields } from '../audit/audit-record.ts';
import { canonicalJson } from '../core/canonical-json.ts';

export type ShippedVerification =
  | { status: 'verified'; from: number; to: number }
  | { status: 'gap'; missing: number }
  | { status: 'broken'; seq: number; detail: string }
  | { status: 'empty' };

/**
 * Checks shipped entries as the server holds them: each hash recomputes from its fields, and each entry's prev is
 * the hash of the one before. A gap (an entry never shipped) is reported as such, not as tampering.
 */
export function verifyShippedEvents(entries: ReadonlyArray<Record<string, unknown>>): ShippedVerification {
  if (entries.length === 0) return { status: 'empty' };
  let previous: Record<string, unknown> | undefined;
  for (const entry of entries) {
    const seq = entry.seq as number;
    const hash = hashFields(
      seq,
      entry.at as string,
      entry.agent as string,
      entry.type as string,
      canonicalJson(entry.data),
      entry.prev as string,
    );
    if (hash !== entry.hash) return { status: 'broken', seq, detail: 'the hash does not match the entry' };
    if (previous !== undefined) {
      if (seq !== (previous.seq as number) + 1) return { status: 'gap', missing: (previous.seq as number) + 1 };
      if (entry.prev !== previous.hash)
        return { status: 'broken', seq, detail: 'prev is not the hash of the entry before' };
    }
    previous = entry;
  }
  return { status: 'verified', from: entries[0]!.seq as number, to: previous!.seq as number };
}
