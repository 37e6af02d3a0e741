import type { AuditBackend } from '../audit-backend.ts';
import type { AuditStore } from '../audit-event.ts';
import { type AuditChainHead, type AuditRecord, emptyChainHead } from '../audit-record.ts';
import { AuditWriter, type AuditWriterOptions } from '../audit-writer.ts';
import type { SealedBatch } from '../seal-audit-batch.ts';

/** An audit store in memory for evals and tests: the same chain, checkpoints and fail-closed writer as on disk. */
export function openMemoryAuditStore(options: AuditWriterOptions = {}): AuditStore {
  return new AuditWriter(new MemoryAuditBackend(), options);
}

class MemoryAuditBackend implements AuditBackend {
  readonly #records: AuditRecord[] = [];
  #head: AuditChainHead = emptyChainHead;

  commit(seal: (head: AuditChainHead) => SealedBatch): SealedBatch {
    const sealed = seal(this.#head);
    for (const record of sealed.records) this.#records.push(record);
    this.#head = sealed.head;
    return sealed;
  }

  readRecords(from: number, limit: number): AuditRecord[] {
    return this.#records.slice(from - 1, from - 1 + limit);
  }

  close(): void {}
}
