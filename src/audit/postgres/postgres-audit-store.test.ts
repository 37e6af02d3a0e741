import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTestsOff, postgresTestUrl, requirePostgres } from '../../../test/helpers/postgres.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { AuditEntry, AuditEventInput } from '../audit-event.ts';
import { AuditWriteError } from '../audit-write-error.ts';
import { verifyAuditChain } from '../verify-audit-chain.ts';
import { openPostgresAuditStore } from './postgres-audit-store.ts';

const connectionString = postgresTestUrl;
const schema = `heed_audit_pg_${process.pid}`;
const event = (index: number): AuditEventInput => ({ agent: 'agent-1', type: 'order-accepted', data: { index } });

async function sql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe.skipIf(postgresTestsOff)('the postgres audit store', () => {
  let reachable = false;
  beforeAll(async () => {
    await requirePostgres();
    reachable = true;
  });
  afterAll(async () => {
    if (reachable) await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('keeps one chain when two stores (two replicas) append to the same schema', async () => {
    const stores = await Promise.all([1, 2].map(() => openPostgresAuditStore({ connectionString, schema })));
    for (let round = 0; round < 10; round++) {
      await Promise.all(stores.flatMap((store) => [store.append(event(round)), store.append(event(round))]));
    }
    await Promise.all(stores.map((store) => store.close()));
    const reader = await openPostgresAuditStore({ connectionString, schema, checkpointEvery: 1_000_000 });
    const entries: AuditEntry[] = [];
    for await (const entry of reader.read()) entries.push(entry);
    await reader.close();
    expect(await verifyAuditChain(entries)).toMatchObject({ ok: true, entries: 41 });
  });

  it('fails closed when a commit fails', async () => {
    const store = await openPostgresAuditStore({ connectionString, schema });
    await store.append(event(0));
    await sql(`CREATE FUNCTION ${schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full'; END $$;
      CREATE TRIGGER refuse BEFORE INSERT ON ${schema}.audit_entries FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse()`);
    await expect(store.append(event(1))).rejects.toThrow(/disk full.*fail closed/);
    await sql(`DROP TRIGGER refuse ON ${schema}.audit_entries`);
    await expect(store.append(event(2))).rejects.toBeInstanceOf(AuditWriteError);
    await store.close();
  });

  it('extends a version 1 log under version 2, recording where version 2 begins, and refuses a newer one', async () => {
    const v1 = `${schema}_v1`;
    try {
      const first = await openPostgresAuditStore({ connectionString, schema: v1, checkpointEvery: 1_000_000 });
      await first.append(event(0));
      await first.close();
      // The meta rows as version 1 left them.
      await sql(`UPDATE ${v1}.audit_meta SET value = '1' WHERE key = 'schemaVersion';
        DELETE FROM ${v1}.audit_meta WHERE key = 'schemaVersion2Since'`);
      const second = await openPostgresAuditStore({ connectionString, schema: v1, checkpointEvery: 1_000_000 });
      await second.close();
      const client = new pg.Client({ connectionString });
      await client.connect();
      const meta = await client.query(`SELECT key, value FROM ${v1}.audit_meta ORDER BY key`);
      await client.end();
      // Entry 1 and the checkpoint at close are version 1; what comes next is version 2.
      expect(meta.rows).toEqual([
        { key: 'schemaVersion', value: '2' },
        { key: 'schemaVersion2Since', value: '3' },
      ]);
      await sql(`UPDATE ${v1}.audit_meta SET value = '3' WHERE key = 'schemaVersion'`);
      await expect(openPostgresAuditStore({ connectionString, schema: v1 })).rejects.toThrow(
        /schema version 3; this heed reads versions 1 to 2/,
      );
    } finally {
      await sql(`DROP SCHEMA IF EXISTS ${v1} CASCADE`);
    }
  });

  it('refuses a bad schema name and a missing connection string', async () => {
    await expect(openPostgresAuditStore({ connectionString, schema: 'x; DROP TABLE y' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    const saved = process.env.HEED_DATABASE_URL;
    delete process.env.HEED_DATABASE_URL;
    await expect(openPostgresAuditStore({ schema })).rejects.toBeInstanceOf(InvalidInputError);
    if (saved !== undefined) process.env.HEED_DATABASE_URL = saved;
  });
});
