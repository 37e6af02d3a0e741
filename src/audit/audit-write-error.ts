import { HeedError } from '../core/heed-error.ts';

/** The audit store could not commit an entry, or is closed: the writer halts and every later append fails too. */
export class AuditWriteError extends HeedError {
  constructor(code: 'audit-write-failed' | 'audit-store-closed', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
