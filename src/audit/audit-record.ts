import { hash } from 'node:crypto';
import type { AuditEntry, AuditEventType } from './audit-event.ts';

/** The `prev` of entry 1: no entry comes before it. */
export const genesisHash = '0'.repeat(64);

/**
 * An entry as stored: `data` kept as its canonical JSON text, so hashing and exporting never re-serialize it.
 * Fields are `unknown`-free strings because stores write exactly these columns.
 */
export interface AuditRecord {
  seq: number;
  at: string;
  agent: string;
  type: string;
  dataJson: string;
  prev: string;
  hash: string;
}

/** Where a chain ends: the last entry's seq and hash, and the seq of the last checkpoint (0 for none). */
export interface AuditChainHead {
  seq: number;
  hash: string;
  checkpointSeq: number;
}

export const emptyChainHead: AuditChainHead = { seq: 0, hash: genesisHash, checkpointSeq: 0 };

/**
 * The RFC 8785 canonical JSON of the entry without `hash`, built directly: the keys are fixed and sorted
 * (agent, at, data, prev, seq, type), strings serialize as JSON.stringify does, and `dataJson` is already canonical.
 */
export function recordHashInput(record: Omit<AuditRecord, 'hash'>): string {
  return fieldsHashInput(record.seq, record.at, record.agent, record.type, record.dataJson, record.prev);
}

function fieldsHashInput(seq: number, at: string, agent: string, type: string, dataJson: string, prev: string): string {
  return `{"agent":${JSON.stringify(agent)},"at":${JSON.stringify(at)},"data":${dataJson},"prev":${JSON.stringify(prev)},"seq":${seq},"type":${JSON.stringify(type)}}`;
}

/** sha256 of the record's canonical form; the one-shot `hash` avoids a Hash object per entry on long logs. */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  return hashFields(record.seq, record.at, record.agent, record.type, record.dataJson, record.prev);
}

/** hashRecord over loose fields, for verifiers that stream rows as arrays. */
export function hashFields(
  seq: number,
  at: string,
  agent: string,
  type: string,
  dataJson: string,
  prev: string,
): string {
  return hash('sha256', fieldsHashInput(seq, at, agent, type, dataJson, prev), 'hex');
}

/**
 * The entry a record stands for, as a plain object. `data` is parsed here rather than behind a lazy getter: an object
 * literal with its own getter closure survives V8's young-generation collections, so every entry handed back by
 * `append` would linger until a full collection and lengthen each minor pause on a busy kernel.
 */
export function recordToEntry(record: AuditRecord): AuditEntry {
  return {
    seq: record.seq,
    at: record.at,
    agent: record.agent,
    type: record.type as AuditEventType,
    data: JSON.parse(record.dataJson) as Record<string, unknown>,
    prev: record.prev,
    hash: record.hash,
  };
}
