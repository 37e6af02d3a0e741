// One event vocabulary for the audit log, the live stream and the console (noun-verb names).
export const auditEventTypes = [
  'run-started',
  'run-ended',
  'order-accepted',
  'order-rejected',
  'task-started',
  'task-conflict',
  'model-call-start',
  'model-call-end',
  'tool-call-start',
  'tool-call-end',
  'tool-call-rejected',
  'policy-decision',
  'check-requested',
  'check-answered',
  'screening-verdict',
  'memory-write',
  'lease-renewed',
  'lease-expired',
  'succession-claimed',
  'succession-vetoed',
  'succession-completed',
  'succession-lapsed',
  'stop-started',
  'halt',
  'checkpoint',
] as const;
export type AuditEventType = (typeof auditEventTypes)[number];

export const auditSchemaVersion = 1;

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
