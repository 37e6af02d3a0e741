import pg from 'pg';
import { InvalidInputError } from '../../core/heed-error.ts';
import { parseAuditLogVersions } from '../audit-schema-versions.ts';
import { AuditChainVerifier, type AuditVerification, type AuditVerifyOptions } from '../verify-audit-chain.ts';

export interface PostgresAuditLogLocation {
  /** `HEED_DATABASE_URL` when absent. */
  connectionString?: string;
  /** The schema holding the `audit_*` tables. Default `public`. */
  schema?: string;
}

const pageRows = 8192;

/**
 * Verifies the audit log in PostgreSQL: the chain (streamed in pages), its end against the head row the store commits
 * with every batch, the checkpoints, and any anchors; all on one snapshot (REPEATABLE READ), so appends by a
 * running agent do not race it.
 */
export async function verifyPostgresAuditLog(
  location: PostgresAuditLogLocation = {},
  options: AuditVerifyOptions = {},
): Promise<AuditVerification> {
  const schema = location.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new InvalidInputError(
      `PostgreSQL schema name '${schema}' must be lower-case letters, digits and underscores.`,
    );
  }
  const connectionString = location.connectionString ?? process.env.HEED_DATABASE_URL;
  if (connectionString === undefined) {
    throw new InvalidInputError('No PostgreSQL connection string: pass one or set HEED_DATABASE_URL.');
  }
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
  } catch (error) {
    throw new InvalidInputError(`Cannot connect to PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await client.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('audit_entries', 'audit_head')`,
      [schema],
    );
    if (tables.rows.length < 2) {
      throw new InvalidInputError(
        `PostgreSQL schema ${schema} holds no heed audit log (no audit_entries and audit_head).`,
      );
    }
    const headRow = (await client.query(`SELECT seq, hash, checkpoint_seq FROM ${schema}.audit_head WHERE id = 1`))
      .rows[0] as { seq: string; hash: string; checkpoint_seq: string } | undefined;
    if (headRow === undefined) return { ok: false, firstBadSeq: 1, reason: 'the head row is missing', entries: 0 };
    const head = { seq: Number(headRow.seq), hash: headRow.hash, checkpointSeq: Number(headRow.checkpoint_seq) };
    const meta = await client.query(
      `SELECT key, value FROM ${schema}.audit_meta WHERE key IN ('schemaVersion', 'schemaVersion2Since')`,
    );
    const metaValue = (key: string) =>
      (meta.rows as Array<{ key: string; value: string }>).find((row) => row.key === key)?.value;
    const versions = parseAuditLogVersions(metaValue('schemaVersion'), metaValue('schemaVersion2Since'));
    if (!versions.ok) return { ok: false, firstBadSeq: 1, reason: versions.reason, entries: 0 };
    const verifier = new AuditChainVerifier({
      ...options,
      expectedHead: options.expectedHead ?? head,
      version2Since: versions.versions.version2Since,
    });
    let after = 0;
    for (;;) {
      const page = await client.query({
        text: `SELECT seq, at, agent, type, data, prev, hash FROM ${schema}.audit_entries WHERE seq > $1 ORDER BY seq LIMIT ${pageRows}`,
        values: [after],
        rowMode: 'array',
      });
      for (const row of page.rows as unknown[][]) {
        const failure = verifier.checkFields(Number(row[0]), row[1], row[2], row[3], row[4], row[5], row[6]);
        if (failure !== undefined) return failure;
        after = Number(row[0]);
      }
      if (page.rows.length < pageRows) break;
    }
    return verifier.finish();
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}
