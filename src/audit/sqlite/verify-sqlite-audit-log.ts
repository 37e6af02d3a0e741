import type { DatabaseSync } from 'node:sqlite';
import {
  type AuditChainFailure,
  type AuditChainSummary,
  AuditChainVerifier,
  type AuditVerifyOptions,
} from '../verify-audit-chain.ts';
import { checkAuditPages } from './check-audit-pages.ts';
import { openSqliteAuditLog } from './open-sqlite-audit-log.ts';
import { readAuditLogVersions } from './sqlite-audit-schema.ts';

/** Damage below the chain: the file, its pages or the audit tables themselves. No single entry can be named. */
export interface AuditFileFailure {
  ok: false;
  firstBadSeq: null;
  reason: string;
  entries: number;
}

export interface SqliteAuditLogVerifyOptions extends AuditVerifyOptions {
  /** Skip SQLite's page-level integrity check (the chain, head and checkpoints are still checked). */
  chainOnly?: boolean;
}

export type SqliteAuditLogVerification =
  | (AuditChainSummary & { notes?: string[] })
  | AuditChainFailure
  | AuditFileFailure;

/**
 * Verifies the audit log in a SQLite file: the chain (streamed row by row), its head against the head row the store
 * commits with every batch, the checkpoints, and SQLite's own integrity check over every page of the file.
 */
export function verifySqliteAuditLog(
  path: string,
  options: SqliteAuditLogVerifyOptions = {},
): SqliteAuditLogVerification {
  const opened = openSqliteAuditLog(path);
  if (!opened.ok) return fileFailure(opened.reason, 0);
  const database = opened.database;
  try {
    // One read transaction: the chain, the head, the pages and the integrity check all see the same snapshot.
    database.exec('BEGIN');
    return verifyOpenedLog(database, path, options);
  } finally {
    database.close();
  }
}

function verifyOpenedLog(
  database: DatabaseSync,
  path: string,
  options: SqliteAuditLogVerifyOptions,
): SqliteAuditLogVerification {
  let head: { seq: number; hash: string; checkpointSeq: number };
  let version2Since: number;
  try {
    const versions = readAuditLogVersions(database);
    if (!versions.ok) return fileFailure(versions.reason, 0);
    version2Since = versions.versions.version2Since;
    const headRow = database.prepare('SELECT seq, hash, checkpoint_seq FROM audit_head WHERE id = 1').get();
    if (
      headRow === undefined ||
      typeof headRow.seq !== 'number' ||
      typeof headRow.hash !== 'string' ||
      typeof headRow.checkpoint_seq !== 'number'
    ) {
      return fileFailure('the audit head row is missing or malformed', 0);
    }
    head = { seq: headRow.seq, hash: headRow.hash, checkpointSeq: headRow.checkpoint_seq };
  } catch (error) {
    return fileFailure(`SQLite cannot read the audit tables: ${(error as Error).message}`, 0);
  }

  const verifier = new AuditChainVerifier({ ...options, expectedHead: options.expectedHead ?? head, version2Since });
  // Pages of rows as arrays: the cheapest way out of node:sqlite, which makes verifying a long log mostly hashing.
  const page = database.prepare(
    'SELECT seq, at, agent, type, data, prev, hash FROM audit_entries WHERE seq >= ? ORDER BY seq LIMIT 8192',
  );
  page.setReturnArrays(true);
  let verified = 0;
  try {
    for (;;) {
      const rows = page.all(verified + 1) as unknown as unknown[][];
      for (const row of rows) {
        const failure = verifier.checkFields(row[0], row[1], row[2], row[3], row[4], row[5], row[6]);
        if (failure !== undefined) return failure;
        verified = row[0] as number;
      }
      if (rows.length === 0) break;
    }
  } catch (error) {
    return {
      ok: false,
      firstBadSeq: verified + 1,
      reason: `SQLite cannot read entry ${verified + 1}: ${(error as Error).message}`,
      entries: verified,
    };
  }
  const verdict = verifier.finish();
  if (!verdict.ok) return verdict;

  if (options.chainOnly) return verdict;
  const integrity = checkIntegrity(database);
  if (integrity !== undefined) return fileFailure(integrity, verdict.entries);
  const pages = checkAuditPages(database, path);
  if (pages.ok === false) return fileFailure(pages.reason, verdict.entries);
  return pages.ok === true ? verdict : { ...verdict, notes: [pages.reason] };
}

/** SQLite's integrity check covers every page of the file, other parts' tables included. */
function checkIntegrity(database: DatabaseSync): string | undefined {
  try {
    const problems = database
      .prepare('PRAGMA integrity_check(10)')
      .all()
      .map((row) => String(Object.values(row)[0]));
    if (problems.length === 1 && problems[0] === 'ok') return undefined;
    return `SQLite's integrity check failed: ${problems.join('; ')}`;
  } catch (error) {
    return `SQLite's integrity check failed: ${(error as Error).message}`;
  }
}

function fileFailure(reason: string, entries: number): AuditFileFailure {
  return { ok: false, firstBadSeq: null, reason, entries };
}
