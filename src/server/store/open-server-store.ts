import { openPostgresServerStore } from './postgres-server-store.ts';
import type { ServerStore } from './server-store.ts';
import { openSqliteServerStore } from './sqlite-server-store.ts';

export interface OpenServerStoreOptions {
  /** The embedded store's folder (`server.db` inside), used when no database URL is given. */
  stateDir: string;
  /** `postgres://…` (HEED_DATABASE_URL): share the store with other replicas. */
  databaseUrl?: string;
  /** The PostgreSQL schema (default `heed_server`). */
  schema?: string;
}

export function openServerStore(options: OpenServerStoreOptions): Promise<ServerStore> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return openPostgresServerStore({
      connectionString: options.databaseUrl,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
    });
  }
  return Promise.resolve(openSqliteServerStore(options.stateDir));
}
