// One contract over every durable store: what an attacker with write access to the log's database can do, and which
// check catches it. A tail cut back to a signed checkpoint (the head row fixed to match) passes the chain, the head
// row and --strict; only an anchor kept out of the writer's reach catches it. A head row rewritten alone is caught by
// the head check, at verify and when a store opens. A log rewritten and re-signed with a fresh key passes unless the
// key is pinned or an anchor is given.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type PrincipalKeyPair } from '../core/ed25519.ts';
import type { AnchorRecord, AuditAnchor } from './anchor/audit-anchor.ts';
import type { AuditStore } from './audit-event.ts';
import { genesisHash } from './audit-record.ts';
import { openPostgresAuditStore } from './postgres/postgres-audit-store.ts';
import { verifyPostgresAuditLog } from './postgres/verify-postgres-audit-log.ts';
import { openSqliteAuditStore } from './sqlite/sqlite-audit-store.ts';
import { type SqliteAuditLogVerification, verifySqliteAuditLog } from './sqlite/verify-sqlite-audit-log.ts';
import type { AuditVerification, AuditVerifyOptions } from './verify-audit-chain.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-audit-tamper-'));
const postgresUrl = process.env.HEED_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

/** A log in one backend: open a store on it, run SQL against it as an attacker would, verify it. */
interface Backend {
  name: string;
  open(options: { signingKey: PrincipalKeyPair['privateKey']; anchors: AuditAnchor[] }): Promise<AuditStore>;
  sql(text: string): Promise<void>;
  verify(options: AuditVerifyOptions): Promise<AuditVerification | SqliteAuditLogVerification>;
}

let logs = 0;
function sqliteBackend(): Backend {
  const path = join(folder, `tamper-${++logs}.db`);
  return {
    name: 'sqlite',
    open: async (options) => openSqliteAuditStore({ path, agent: 'agent-1', checkpointEvery: 5, ...options }),
    sql: async (text) => {
      const database = new DatabaseSync(path);
      // VACUUM too, as an attacker would: it rewrites every page, so no freed space betrays the change.
      database.exec(`${text} VACUUM;`);
      database.close();
    },
    verify: async (options) => verifySqliteAuditLog(path, options),
  };
}

function postgresBackend(): Backend {
  const schema = `heed_audit_tamper_${process.pid}_${++logs}`;
  schemas.push(schema);
  return {
    name: 'postgres',
    open: (options) =>
      openPostgresAuditStore({
        connectionString: postgresUrl,
        schema,
        agent: 'agent-1',
        checkpointEvery: 5,
        ...options,
      }),
    sql: async (text) => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`SET search_path TO ${schema}; ${text}`);
      } finally {
        await client.end();
      }
    },
    verify: (options) => verifyPostgresAuditLog({ connectionString: postgresUrl, schema }, options),
  };
}

const backends = [sqliteBackend, ...(process.env.HEED_TEST_POSTGRES === 'off' ? [] : [postgresBackend])];

/** An anchor that keeps its records in memory: what the anchor file would hold. */
function memoryAnchor(): AuditAnchor & { records: AnchorRecord[] } {
  const records: AnchorRecord[] = [];
  return { records, append: (record) => void records.push(record), close: async () => {} };
}

/** Writes 12 events with a checkpoint every 5 entries and one on close: checkpoints at seq 6, 12 and 15. */
async function writeLog(backend: Backend, key: PrincipalKeyPair, anchor: AuditAnchor, skip = -1): Promise<void> {
  const store = await backend.open({ signingKey: key.privateKey, anchors: [anchor] });
  for (let index = 0; index < 12; index++) {
    if (index === skip) continue;
    await store.append({ agent: 'agent-1', type: 'tool-call-start', data: { index } });
  }
  await store.close();
}

describe.each(backends)('a tampered audit log', (makeBackend) => {
  const agentKey = generateKeyPair();

  it(`${makeBackend().name}: a tail cut back to a signed checkpoint passes everything but the anchor`, async () => {
    const backend = makeBackend();
    const anchor = memoryAnchor();
    await writeLog(backend, agentKey, anchor);
    expect(anchor.records.map((record) => record.seq)).toEqual([6, 12, 15]);
    const strict = { trustedKeys: [agentKey.publicKeyText], requireSealed: true };
    expect(await backend.verify(strict)).toMatchObject({ ok: true, entries: 15 });

    const cutTo = anchor.records[1]!;
    await backend.sql(
      `DELETE FROM audit_entries WHERE seq > ${cutTo.seq}; UPDATE audit_head SET seq = ${cutTo.seq}, hash = '${cutTo.hash}', checkpoint_seq = ${cutTo.seq} WHERE id = 1;`,
    );
    // Without an anchor the cut is not detectable: the chain, the head row and the signatures all agree.
    expect(await backend.verify(strict)).toMatchObject({ ok: true, entries: 12 });
    expect(await backend.verify({ ...strict, anchors: anchor.records })).toMatchObject({
      ok: false,
      firstBadSeq: 13,
      reason: expect.stringMatching(/entries 13 to 15 are missing: a checkpoint at seq 15 was anchored/),
    });
  });

  it(`${makeBackend().name}: a head row rewritten alone fails verify, and no store will append to the log`, async () => {
    const backend = makeBackend();
    await writeLog(backend, agentKey, memoryAnchor());
    await backend.sql(`UPDATE audit_head SET seq = 14 WHERE id = 1;`);
    expect(await backend.verify({})).toMatchObject({ ok: false, firstBadSeq: 15 });
    await expect(backend.open({ signingKey: agentKey.privateKey, anchors: [] })).rejects.toThrow(
      /does not end where its head row says: the head records seq 14, the last entry is seq 15/,
    );
    await backend.sql(`UPDATE audit_head SET seq = 15, hash = '${genesisHash}' WHERE id = 1;`);
    expect(await backend.verify({})).toMatchObject({ ok: false });
    await expect(backend.open({ signingKey: agentKey.privateKey, anchors: [] })).rejects.toThrow(/with another hash/);
  });

  it(`${makeBackend().name}: a log rewritten and re-signed with a fresh key fails against the pinned key or the anchor`, async () => {
    const backend = makeBackend();
    const anchor = memoryAnchor();
    await writeLog(backend, agentKey, anchor);
    // The attacker empties the log and writes it again without event 3, signing with a key of its own.
    await backend.sql(
      `DELETE FROM audit_entries; UPDATE audit_head SET seq = 0, hash = '${genesisHash}', checkpoint_seq = 0 WHERE id = 1;`,
    );
    await writeLog(backend, generateKeyPair(), memoryAnchor(), 3);
    expect(await backend.verify({ requireSealed: true })).toMatchObject({ ok: true });
    expect(await backend.verify({ trustedKeys: [agentKey.publicKeyText] })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/signed by untrusted key/),
    });
    expect(await backend.verify({ anchors: anchor.records })).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      reason: expect.stringMatching(/differs from the checkpoint anchored for it/),
    });
  });
});
