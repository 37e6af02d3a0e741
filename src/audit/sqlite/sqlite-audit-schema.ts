import type { DatabaseSync } from 'node:sqlite';
import { InvalidInputError } from '../../core/heed-error.ts';
import { auditSchemaVersion } from '../audit-event.ts';
import { genesisHash } from '../audit-record.ts';
import { parseAuditLogVersions } from '../audit-schema-versions.ts';

// Every table is prefixed `audit_`: the same file holds other parts' tables.
export const auditTables = { entries: 'audit_entries', head: 'audit_head', meta: 'audit_meta' } as const;

const createStatements = `
CREATE TABLE IF NOT EXISTS audit_entries (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  agent TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  prev TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  checkpoint_seq INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
INSERT OR IGNORE INTO audit_meta (key, value) VALUES ('schemaVersion', '${auditSchemaVersion}');
INSERT OR IGNORE INTO audit_head (id, seq, hash, checkpoint_seq) VALUES (1, 0, '${genesisHash}', 0);
`;

// A version 1 log that this heed extends: its later entries are version 2, from the seq after its head on.
const upgradeStatements = `
INSERT OR IGNORE INTO audit_meta (key, value) SELECT 'schemaVersion2Since', seq + 1 FROM audit_head WHERE id = 1;
UPDATE audit_meta SET value = '${auditSchemaVersion}' WHERE key = 'schemaVersion' AND value = '1';
`;

/**
 * Creates the audit tables if missing and marks a version 1 log as extended under version 2 (in one transaction);
 * refuses a log written by a newer schema.
 */
export function ensureAuditSchema(database: DatabaseSync): void {
  database.exec('BEGIN IMMEDIATE');
  try {
    database.exec(createStatements);
    checkSchemaVersion(database);
    database.exec(upgradeStatements);
    database.exec('COMMIT');
  } catch (error) {
    database.exec('ROLLBACK');
    throw error;
  }
}

function checkSchemaVersion(database: DatabaseSync): void {
  const row = database.prepare(`SELECT value FROM audit_meta WHERE key = 'schemaVersion'`).get() as
    | { value: string }
    | undefined;
  const version = Number(row?.value);
  if (!Number.isInteger(version) || version < 1 || version > auditSchemaVersion) {
    throw new InvalidInputError(
      `The audit log has schema version ${String(row?.value)}; this heed reads versions 1 to ${auditSchemaVersion}.`,
      { code: 'audit-schema-version' },
    );
  }
}

/** Which of the audit tables exist in a database. */
export function presentAuditTables(database: DatabaseSync): Set<string> {
  const rows = database
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN (?, ?, ?)`)
    .all(auditTables.entries, auditTables.head, auditTables.meta) as Array<{ name: string }>;
  return new Set(rows.map((row) => row.name));
}

export const selectRecordsSql = `SELECT seq, at, agent, type, data AS dataJson, prev, hash FROM audit_entries WHERE seq >= ? ORDER BY seq LIMIT ?`;

/** The schema versions of a log's entries, from its meta rows; a reason when they name none this heed reads. */
export function readAuditLogVersions(database: DatabaseSync): ReturnType<typeof parseAuditLogVersions> {
  const value = (key: string) =>
    (database.prepare('SELECT value FROM audit_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  return parseAuditLogVersions(value('schemaVersion'), value('schemaVersion2Since'));
}
