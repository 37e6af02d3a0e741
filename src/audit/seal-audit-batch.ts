import { canonicalJson } from '../core/canonical-json.ts';
import type { Clock } from '../core/clock.ts';
import { type CheckpointSigner, createCheckpointData } from './audit-checkpoint.ts';
import type { AuditChainHead, AuditRecord } from './audit-record.ts';
import { hashRecord } from './audit-record.ts';
import type { PreparedAuditEvent } from './prepare-audit-event.ts';

export interface SealOptions {
  clock: Clock;
  /** Signs checkpoints; unsigned checkpoints when absent. */
  signer: CheckpointSigner | undefined;
  /** The checkpoint's agent; the last event's agent when absent. */
  agent: string | undefined;
  /** A checkpoint follows every this many entries. */
  checkpointEvery: number;
}

export interface SealedBatch {
  /** Every record to write, checkpoints included, in seq order. */
  records: AuditRecord[];
  /** The record of each event, in the order the events were given. */
  eventRecords: AuditRecord[];
  head: AuditChainHead;
}

/**
 * The one chain rule every store shares: extends `head` with `events` (and checkpoints where due, or at the end when
 * `sealTail` is set). Pure apart from the clock and the signature, so a store that fails to write simply drops it.
 */
export function sealAuditBatch(
  head: AuditChainHead,
  events: readonly PreparedAuditEvent[],
  options: SealOptions,
  sealTail = false,
): SealedBatch {
  const records: AuditRecord[] = [];
  const eventRecords: AuditRecord[] = [];
  let { seq, hash, checkpointSeq } = head;
  let lastAgent: string | undefined;
  const now = new Date(options.clock.now()).toISOString();

  const push = (agent: string, type: string, dataJson: string, at: string): AuditRecord => {
    seq += 1;
    const unhashed = { seq, at, agent, type, dataJson, prev: hash };
    const record = { ...unhashed, hash: hashRecord(unhashed) };
    hash = record.hash;
    records.push(record);
    return record;
  };
  const checkpoint = (): void => {
    const agent = options.agent ?? lastAgent ?? 'heed';
    const data = createCheckpointData(agent, seq, hash, options.signer);
    push(agent, 'checkpoint', canonicalJson(data), now);
    checkpointSeq = seq;
  };

  for (const event of events) {
    lastAgent = event.agent;
    eventRecords.push(push(event.agent, event.type, event.dataJson, event.at ?? now));
    if (seq - checkpointSeq >= options.checkpointEvery) checkpoint();
  }
  if (sealTail && seq > checkpointSeq) checkpoint();
  return { records, eventRecords, head: { seq, hash, checkpointSeq } };
}
