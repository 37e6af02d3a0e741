import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { AuditRecord } from '../audit-record.ts';
import { auditTables, presentAuditTables, selectRecordsSql } from './sqlite-audit-schema.ts';

export type OpenedAuditLog = { ok: true; database: DatabaseSync } | { ok: false; reason: string };

/**
 * Opens an existing audit log read-only, never creating one. A missing or unreadable file, or a database with no audit
 * tables at all, is bad input (InvalidInputError); a file SQLite cannot read as a database, or one missing only some
 * audit tables, is a damaged log (returned as `ok: false`).
 */
export function openSqliteAuditLog(path: string): OpenedAuditLog {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new InvalidInputError(
      `No audit log at '${path}': ${(error as NodeJS.ErrnoException).code ?? 'cannot stat'}.`,
      {
        code: 'missing-file',
        cause: error,
      },
    );
  }
  if (!isFile) throw new InvalidInputError(`'${path}' is not a file.`, { code: 'missing-file' });
  let database: DatabaseSync;
  try {
    database = new DatabaseSync(path, { readOnly: true });
  } catch (error) {
    throw new InvalidInputError(`Cannot open '${path}': ${(error as Error).message}.`, {
      code: 'unreadable-file',
      cause: error,
    });
  }
  try {
    const present = presentAuditTables(database);
    if (present.size === 0) {
      database.close();
      throw new InvalidInputError(`'${path}' holds no heed audit log (no ${auditTables.entries} table).`, {
        code: 'no-audit-log',
      });
    }
    const missing = Object.values(auditTables).filter((table) => !present.has(table));
    if (missing.length > 0) {
      database.close();
      return { ok: false, reason: `the audit table ${missing.join(', ')} is missing` };
    }
    return { ok: true, database };
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    database.close();
    // SQLite opens lazily: a file that is not a database, or a damaged first page, fails on the first read.
    if (looksLikeText(path)) {
      throw new InvalidInputError(
        `'${path}' is not a SQLite database (it holds text); pass heed's audit database, e.g. --db .heed/heed.db.`,
        { code: 'not-a-database', cause: error },
      );
    }
    return { ok: false, reason: `SQLite cannot read the file: ${(error as Error).message}` };
  }
}

const sqliteMagic = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * A file given by mistake (a charter, a JSON export) rather than a damaged log: no SQLite header and no NUL byte
 * in its first 4 KB. Every SQLite page holds NUL bytes, so a log damaged in place is still reported as damaged.
 */
function looksLikeText(path: string): boolean {
  const head = Buffer.alloc(4096);
  let length: number;
  const descriptor = openSync(path, 'r');
  try {
    length = readSync(descriptor, head, 0, head.length, 0);
  } finally {
    closeSync(descriptor);
  }
  const bytes = head.subarray(0, length);
  return !bytes.subarray(0, sqliteMagic.length).equals(sqliteMagic) && !bytes.includes(0);
}

/** Committed records with seq >= from, at most `limit`, in seq order. */
export function readSqliteAuditRecords(database: DatabaseSync, from: number, limit: number): AuditRecord[] {
  return database.prepare(selectRecordsSql).all(from, limit) as unknown as AuditRecord[];
}

/** The highest stored seq, 0 for an empty log. */
export function lastSqliteAuditSeq(database: DatabaseSync): number {
  const row = database.prepare('SELECT max(seq) AS seq FROM audit_entries').get();
  return typeof row?.seq === 'number' ? row.seq : 0;
}
