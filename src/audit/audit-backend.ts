import type { AuditChainHead, AuditRecord } from './audit-record.ts';
import type { SealedBatch } from './seal-audit-batch.ts';

/**
 * What a storage backend provides to the shared writer. `commit` runs one transaction: it reads the committed head
 * (another process may have appended), lets `seal` build the records, and writes them with the new head, all or nothing.
 */
export interface AuditBackend {
  commit(seal: (head: AuditChainHead) => SealedBatch): SealedBatch | Promise<SealedBatch>;
  /** Committed records with seq >= from, at most `limit` of them, in seq order. */
  readRecords(from: number, limit: number): AuditRecord[] | Promise<AuditRecord[]>;
  close(): void | Promise<void>;
}
