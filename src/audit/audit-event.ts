import { type AuditEventType, auditEventDataSchemas } from './events/audit-event-schemas.ts';

export type { AuditEvent, AuditEventData, AuditEventType } from './events/audit-event-schemas.ts';

// One event vocabulary for the audit log, the live stream and the console (noun-verb names): see events/.
export const auditEventTypes = Object.keys(auditEventDataSchemas) as AuditEventType[];

/**
 * 2: every event fits its type's schema (events/). Version 1 entries are still read: they are held only to a known
 * type and an object as data, which is all version 1 writers guaranteed.
 */
export const auditSchemaVersion = 2;
export type AuditSchemaVersion = 1 | typeof auditSchemaVersion;

/** What a writer hands the store; the store adds seq, prev and hash. */
export interface AuditEventInput {
  agent: string;
  type: AuditEventType;
  data: Record<string, unknown>;
  /** ISO-8601; the store's clock when absent. */
  at?: string;
}

/** A stored entry: `hash = sha256(canonical(entry without hash))`, `prev` the hash of entry seq-1. */
export interface AuditEntry {
  seq: number;
  at: string;
  agent: string;
  type: AuditEventType;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
}

export interface AppendOptions {
  /**
   * Nothing waits on this entry: it may share the commit of the next append that is not deferred, or wait at
   * most until the event loop turns. Entries keep the order of their `append` calls either way.
   */
  defer?: boolean;
}

export interface AuditStore {
  /** Resolves once the entry is durably committed; rejects if it cannot be (the kernel then halts). */
  append(event: AuditEventInput, options?: AppendOptions): Promise<AuditEntry>;
  /** Entries with seq >= from, in order. */
  read(options?: { from?: number; limit?: number }): AsyncIterable<AuditEntry>;
  close(): Promise<void>;
}
