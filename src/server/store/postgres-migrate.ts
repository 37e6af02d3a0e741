import type pg from 'pg';
import { serverMigrations } from './server-migrations.ts';

/** Applies the server's migrations to `schema` in one transaction; replicas starting together take turns. */
export async function migratePostgresServerStore(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Replicas starting together take turns; the second finds the steps applied.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('heed-server-migrations-' || $1))`, [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.server_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`,
    );
    const applied = new Set(
      (await client.query(`SELECT version FROM ${schema}.server_migrations`)).rows.map((row) => Number(row.version)),
    );
    const newest = Math.max(0, ...applied);
    const known = serverMigrations.at(-1)?.version ?? 0;
    if (newest > known)
      throw new Error(`its schema is version ${newest}, newer than this heed knows (${known}): upgrade heed`);
    for (const migration of serverMigrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.postgres);
      await client.query(`INSERT INTO ${schema}.server_migrations (version, applied_at) VALUES ($1, $2)`, [
        migration.version,
        new Date().toISOString(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
