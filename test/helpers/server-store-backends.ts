// The two server store backends, for suites that hold both to one contract: each test opens a fresh, empty store,
// and the folders and schemas made are removed once the calling file's tests are done.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgresServerStore } from '../../src/server/store/postgres-server-store.ts';
import type { ServerStore } from '../../src/server/store/server-store.ts';
import { openSqliteServerStore } from '../../src/server/store/sqlite-server-store.ts';
import { postgresTestsOff, postgresTestUrl, requirePostgres } from './postgres.ts';

export interface ServerStoreBackend {
  name: string;
  skip: boolean;
  /** A fresh, empty store, and a second handle on the same data (a replica, or the store reopened). */
  open: () => Promise<{ store: ServerStore; reopen: () => Promise<ServerStore> }>;
}

/** Both backends; `label` names the PostgreSQL schemas (one per `open`) after the suite that made them. */
export function serverStoreBackends(label: string): ServerStoreBackend[] {
  const folders: string[] = [];
  const schemas: string[] = [];
  afterAll(async () => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    if (schemas.length === 0) return;
    const client = new pg.Client({ connectionString: postgresTestUrl });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });
  return [
    {
      name: 'node:sqlite',
      skip: false,
      open: async () => {
        const folder = mkdtempSync(join(tmpdir(), 'heed-server-store-'));
        folders.push(folder);
        return { store: openSqliteServerStore(folder), reopen: async () => openSqliteServerStore(folder) };
      },
    },
    {
      name: 'PostgreSQL',
      skip: postgresTestsOff,
      open: async () => {
        await requirePostgres();
        const schema = `heed_server_${label}_${process.pid}_${schemas.length}`;
        schemas.push(schema);
        const open = () => openPostgresServerStore({ connectionString: postgresTestUrl, schema, pollMs: 50 });
        return { store: await open(), reopen: open };
      },
    },
  ];
}
