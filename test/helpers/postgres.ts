// The PostgreSQL the tests use: 127.0.0.1:5432, database `test`, trust auth (HEED_TEST_DATABASE_URL to point
// elsewhere). HEED_TEST_POSTGRES=off skips every test that needs it, on a machine without PostgreSQL.
import pg from 'pg';

export const postgresTestUrl = process.env.HEED_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const postgresTestsOff = process.env.HEED_TEST_POSTGRES === 'off';

/** Connects once and, when that fails, throws one error that says what to do instead of a bare ECONNREFUSED. */
export async function requirePostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: postgresTestUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new Error(
      `PostgreSQL is not reachable at ${postgresTestUrl} (${reason}): start it (.ci/run does), point HEED_TEST_DATABASE_URL at one, or run with HEED_TEST_POSTGRES=off to skip the tests that need it.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
