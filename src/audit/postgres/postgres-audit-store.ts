import pg from 'pg';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { AuditBackend } from '../audit-backend.ts';
import { type AuditStore, auditSchemaVersion } from '../audit-event.ts';
import { type AuditChainHead, type AuditRecord, genesisHash } from '../audit-record.ts';
import { AuditWriter, type AuditWriterOptions } from '../audit-writer.ts';
import { checkHeadRow } from '../check-head-row.ts';
import type { SealedBatch } from '../seal-audit-batch.ts';

export interface PostgresAuditStoreOptions extends AuditWriterOptions {
  /** e.g. `postgres://user@127.0.0.1:5432/heed`; `HEED_DATABASE_URL` when absent. */
  connectionString?: string;
  /** The PostgreSQL schema holding the `audit_*` tables; created when missing. Default `public`. */
  schema?: string;
}

/** The audit log in PostgreSQL, for a fleet: the same chain, checkpoints and fail-closed writer as the sqlite store. */
export async function openPostgresAuditStore(options: PostgresAuditStoreOptions = {}): Promise<AuditStore> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new InvalidInputError(
      `PostgreSQL schema name '${schema}' must be lower-case letters, digits and underscores.`,
    );
  }
  const connectionString = options.connectionString ?? process.env.HEED_DATABASE_URL;
  if (connectionString === undefined) {
    throw new InvalidInputError('No PostgreSQL connection string: pass connectionString or set HEED_DATABASE_URL.');
  }
  const pool = new pg.Pool({ connectionString, max: 4 });
  try {
    await createTables(pool, schema);
    const head = (await pool.query(`SELECT seq, hash, checkpoint_seq FROM ${schema}.audit_head WHERE id = 1`)).rows[0];
    const last = (await pool.query(`SELECT seq, hash FROM ${schema}.audit_entries ORDER BY seq DESC LIMIT 1`)).rows[0];
    checkHeadRow(
      { seq: Number(head.seq), hash: head.hash, checkpointSeq: Number(head.checkpoint_seq) },
      last === undefined ? undefined : { seq: Number(last.seq), hash: last.hash },
      `in PostgreSQL schema ${schema}`,
    );
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new AuditWriter(new PostgresAuditBackend(pool, schema), options);
}

async function createTables(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Serializes first-time creation when several replicas start at once.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('heed-audit-schema-' || $1))`, [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.audit_entries (
      seq bigint PRIMARY KEY, at text NOT NULL, agent text NOT NULL, type text NOT NULL,
      data text NOT NULL, prev text NOT NULL, hash text NOT NULL)`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.audit_head (
      id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL, checkpoint_seq bigint NOT NULL)`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.audit_meta (key text PRIMARY KEY, value text NOT NULL)`);
    await client.query(
      `INSERT INTO ${schema}.audit_meta (key, value) VALUES ('schemaVersion', $1) ON CONFLICT (key) DO NOTHING`,
      [String(auditSchemaVersion)],
    );
    await client.query(
      `INSERT INTO ${schema}.audit_head (id, seq, hash, checkpoint_seq) VALUES (1, 0, $1, 0) ON CONFLICT (id) DO NOTHING`,
      [genesisHash],
    );
    const version = await client.query(`SELECT value FROM ${schema}.audit_meta WHERE key = 'schemaVersion'`);
    const value = version.rows[0]?.value;
    if (value !== '1' && value !== String(auditSchemaVersion)) {
      throw new InvalidInputError(
        `The audit log in schema ${schema} has schema version ${String(value)}; this heed reads versions 1 to ${auditSchemaVersion}.`,
      );
    }
    // A version 1 log that this heed extends: its later entries are version 2, from the seq after its head on.
    await client.query(
      `INSERT INTO ${schema}.audit_meta (key, value) SELECT 'schemaVersion2Since', (seq + 1)::text FROM ${schema}.audit_head WHERE id = 1 ON CONFLICT (key) DO NOTHING`,
    );
    await client.query(`UPDATE ${schema}.audit_meta SET value = $1 WHERE key = 'schemaVersion'`, [
      String(auditSchemaVersion),
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

class PostgresAuditBackend implements AuditBackend {
  readonly #pool: pg.Pool;
  readonly #schema: string;

  constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    this.#schema = schema;
  }

  async commit(seal: (head: AuditChainHead) => SealedBatch): Promise<SealedBatch> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // The row lock on the head serializes writers across processes and machines, so the chain never forks.
      const row = (
        await client.query(`SELECT seq, hash, checkpoint_seq FROM ${this.#schema}.audit_head WHERE id = 1 FOR UPDATE`)
      ).rows[0] as { seq: string; hash: string; checkpoint_seq: string };
      const sealed = seal({ seq: Number(row.seq), hash: row.hash, checkpointSeq: Number(row.checkpoint_seq) });
      if (sealed.records.length > 0) {
        const columns = sealed.records;
        await client.query(
          `INSERT INTO ${this.#schema}.audit_entries (seq, at, agent, type, data, prev, hash)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
          [
            columns.map((record) => record.seq),
            columns.map((record) => record.at),
            columns.map((record) => record.agent),
            columns.map((record) => record.type),
            columns.map((record) => record.dataJson),
            columns.map((record) => record.prev),
            columns.map((record) => record.hash),
          ],
        );
        await client.query(
          `UPDATE ${this.#schema}.audit_head SET seq = $1, hash = $2, checkpoint_seq = $3 WHERE id = 1`,
          [sealed.head.seq, sealed.head.hash, sealed.head.checkpointSeq],
        );
      }
      await client.query('COMMIT');
      return sealed;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async readRecords(from: number, limit: number): Promise<AuditRecord[]> {
    const result = await this.#pool.query(
      `SELECT seq, at, agent, type, data, prev, hash FROM ${this.#schema}.audit_entries WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [from, limit],
    );
    return result.rows.map((row: Record<string, string>) => ({
      seq: Number(row.seq),
      at: row.at!,
      agent: row.agent!,
      type: row.type!,
      dataJson: row.data!,
      prev: row.prev!,
      hash: row.hash!,
    }));
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
