// A store made by an earlier heed (schema version 2) opens under this one: migration 3 adds pending orders and the
// agents' order rules, and an agent registered before shows the charter defaults and no target profile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresTestsOff, postgresTestUrl, requirePostgres } from '../../../test/helpers/postgres.ts';
import { defaultAuthorityRules } from '../../charter/charter-schema.ts';
import { openPostgresServerStore } from './postgres-server-store.ts';
import { serverMigrations } from './server-migrations.ts';
import { openSqliteServerStore } from './sqlite-server-store.ts';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A store folder whose database an earlier heed made: the migrations up to `version`, applied as it did. */
function sqliteStoreAtVersion(version: number): { folder: string; database: DatabaseSync } {
  const folder = mkdtempSync(join(tmpdir(), 'heed-server-migrate-'));
  folders.push(folder);
  const database = new DatabaseSync(join(folder, 'server.db'));
  database.exec('CREATE TABLE server_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  for (const migration of serverMigrations.filter((step) => step.version <= version)) {
    database.exec(migration.sqlite);
    database.prepare('INSERT INTO server_migrations VALUES (?, ?)').run(migration.version, '2026-01-01T00:00:00Z');
  }
  return { folder, database };
}

describe('server store migrations', () => {
  it('upgrades a version 2 store in place, keeping its agents', async () => {
    const { folder, database } = sqliteStoreAtVersion(2);
    database
      .prepare(`INSERT INTO agents VALUES ('agent-1', NULL, ?, '[]', '[]', 'run-1', ?, ?, 'unknown')`)
      .run('a'.repeat(64), '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
    database.close();

    const store = openSqliteServerStore(folder);
    expect(await store.getAgent('agent-1')).toMatchObject({
      id: 'agent-1',
      authority: defaultAuthorityRules,
      target: null,
    });
    expect(
      await store.addPendingOrder({
        id: 'order-0001',
        target: 'agent-1',
        kind: 'resume',
        envelope: '{}',
        proposedBy: 'alice',
        proposedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T00:10:00.000Z',
      }),
    ).toBe(true);
    await store.close();
    const reopened = new DatabaseSync(join(folder, 'server.db'));
    const versions = reopened.prepare('SELECT version FROM server_migrations ORDER BY version').all();
    reopened.close();
    expect(versions.map((row) => Number(row.version))).toEqual(serverMigrations.map((step) => step.version));
  });

  const shipped = (seq: number, type: string) => JSON.stringify({ seq, type, agent: 'agent-1', data: {} });

  it('gives the entries a version 6 store holds their type, so reads by type find them', async () => {
    const { folder, database } = sqliteStoreAtVersion(6);
    const insert = database.prepare('INSERT INTO agent_events (agent, seq, entry_json) VALUES (?, ?, ?)');
    insert.run('agent-1', 1, shipped(1, 'run-started'));
    insert.run('agent-1', 2, shipped(2, 'check-requested'));
    database.close();
    const store = openSqliteServerStore(folder);
    const found = await store.readAgentEventsOfTypes('agent-1', ['check-requested'], 0, 10);
    expect(found.map((event) => event.seq)).toEqual([2]);
    await store.close();
  });

  it.skipIf(postgresTestsOff)('does the same on PostgreSQL', async () => {
    await requirePostgres();
    const schema = `heed_server_migrate_${process.pid}`;
    const client = new pg.Client({ connectionString: postgresTestUrl });
    await client.connect();
    try {
      await client.query(
        `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}`,
      );
      await client.query('CREATE TABLE server_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      for (const migration of serverMigrations.filter((step) => step.version <= 6)) {
        await client.query(migration.postgres);
        await client.query('INSERT INTO server_migrations VALUES ($1, $2)', [
          migration.version,
          '2026-01-01T00:00:00Z',
        ]);
      }
      await client.query('INSERT INTO agent_events (agent, seq, entry_json) VALUES ($1, 1, $2), ($1, 2, $3)', [
        'agent-1',
        shipped(1, 'run-started'),
        shipped(2, 'check-requested'),
      ]);
      const store = await openPostgresServerStore({ connectionString: postgresTestUrl, schema });
      const found = await store.readAgentEventsOfTypes('agent-1', ['check-requested'], 0, 10);
      expect(found.map((event) => event.seq)).toEqual([2]);
      await store.close();
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
