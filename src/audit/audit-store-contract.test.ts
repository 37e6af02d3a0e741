import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTestsOff, postgresTestUrl, requirePostgres } from '../../test/helpers/postgres.ts';
import { ManualClock } from '../core/clock.ts';
import { generateKeyPair } from '../core/ed25519.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import type { AuditEntry, AuditEventInput, AuditStore } from './audit-event.ts';
import { genesisHash, hashRecord } from './audit-record.ts';
import { AuditWriteError } from './audit-write-error.ts';
import { openMemoryAuditStore } from './memory/memory-audit-store.ts';
import { openPostgresAuditStore } from './postgres/postgres-audit-store.ts';
import { openSqliteAuditStore } from './sqlite/sqlite-audit-store.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-audit-contract-'));
const postgresUrl = postgresTestUrl;
const postgresSchemas: string[] = [];
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (postgresSchemas.length === 0) return;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  for (const schema of postgresSchemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

interface StoreOptions {
  agent?: string;
  signingKey?: KeyObject;
  checkpointEvery?: number;
  clock?: ManualClock;
}

let databases = 0;
const backends: Array<{ name: string; open: (options: StoreOptions) => Promise<AuditStore> }> = [
  { name: 'memory', open: async (options) => openMemoryAuditStore(options) },
  {
    name: 'sqlite',
    open: async (options) => openSqliteAuditStore({ ...options, path: join(folder, `contract-${++databases}.db`) }),
  },
];
// Real PostgreSQL (trust auth on 127.0.0.1:5432, database `test`); each store gets its own schema, dropped afterwards.
if (!postgresTestsOff) {
  beforeAll(requirePostgres);
  backends.push({
    name: 'postgres',
    open: (options) => {
      const schema = `heed_audit_test_${process.pid}_${++databases}`;
      postgresSchemas.push(schema);
      return openPostgresAuditStore({ ...options, connectionString: postgresUrl, schema });
    },
  });
}

const agentKey = generateKeyPair();

function event(index: number, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return { agent: 'agent-1', type: 'tool-call-start', data: { index, tool: 'shell' }, ...extra };
}

async function readAll(store: AuditStore): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const entry of store.read()) entries.push(entry);
  return entries;
}

describe.each(backends)('the $name audit store', ({ open }) => {
  it('chains entries from seq 1: prev is the previous hash, hash covers the entry without it', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const store = await open({ agent: 'agent-1', signingKey: agentKey.privateKey, clock });
    const first = await store.append(event(0));
    clock.advance(1000);
    const second = await store.append(event(1, { at: '2026-02-03T04:05:06.000Z' }));
    expect(first).toMatchObject({ seq: 1, prev: genesisHash, at: '2026-01-01T00:00:00.000Z', agent: 'agent-1' });
    expect(first.data).toEqual({ index: 0, tool: 'shell' });
    expect(second).toMatchObject({ seq: 2, prev: first.hash, at: '2026-02-03T04:05:06.000Z' });
    const entries = await readAll(store);
    expect(entries.map((entry) => entry.hash)).toEqual([first.hash, second.hash]);
    for (const entry of entries) {
      const { hash, data, ...rest } = entry;
      expect(hashRecord({ ...rest, dataJson: JSON.stringify(data) })).toBe(hash);
    }
    await store.close();
  });

  it('batches concurrent appends into one valid chain, in call order', async () => {
    const store = await open({ agent: 'agent-1', signingKey: agentKey.privateKey, checkpointEvery: 50 });
    const appended = await Promise.all(Array.from({ length: 500 }, (_, index) => store.append(event(index))));
    const indexes = appended.map((entry) => entry.data.index);
    expect(indexes).toEqual(Array.from({ length: 500 }, (_, index) => index));
    expect(appended.map((entry) => entry.seq)).toEqual([...appended.map((entry) => entry.seq)].sort((a, b) => a - b));
    await store.close();
  });

  it('writes a signed checkpoint every N entries and on close, and verify checks them', async () => {
    const store = await open({ agent: 'agent-1', signingKey: agentKey.privateKey, checkpointEvery: 3 });
    for (let index = 0; index < 7; index++) await store.append(event(index));
    const before = await readAll(store);
    expect(before.filter((entry) => entry.type === 'checkpoint').map((entry) => entry.seq)).toEqual([4, 8]);
    expect(before[3]!.data).toMatchObject({ covers: 3, head: before[2]!.hash, publicKey: agentKey.publicKeyText });
    await store.close();
    const verdict = await verifyAuditChain(before, { trustedKeys: [agentKey.publicKeyText] });
    expect(verdict).toMatchObject({ ok: true, entries: 9, unsealed: 1 });
  });

  it('writes unsigned checkpoints without a key, and verify says so', async () => {
    const store = await open({ checkpointEvery: 2 });
    for (let index = 0; index < 4; index++) await store.append(event(index));
    const entries = await readAll(store);
    expect(entries[2]).toMatchObject({
      type: 'checkpoint',
      agent: 'agent-1',
      data: { signature: null, publicKey: null },
    });
    const verdict = await verifyAuditChain(entries);
    expect(verdict).toMatchObject({ ok: true, checkpoints: { signed: 0, unsigned: 2 } });
    expect(await verifyAuditChain(entries, { requireSealed: true })).toMatchObject({ ok: false, firstBadSeq: 3 });
    await store.close();
  });

  it('reads from a seq with a limit', async () => {
    const store = await open({ checkpointEvery: 1000 });
    for (let index = 0; index < 20; index++) await store.append(event(index));
    const page: number[] = [];
    for await (const entry of store.read({ from: 5, limit: 3 })) page.push(entry.seq);
    expect(page).toEqual([5, 6, 7]);
    await store.close();
  });

  it('rejects a bad event naming the field, and keeps accepting good ones', async () => {
    const store = await open({});
    const bad: unknown[] = [
      { agent: '', type: 'halt', data: {} },
      { agent: 'a', type: 'halted', data: {} },
      { agent: 'a', type: 'checkpoint', data: {} },
      { agent: 'a', type: 'halt', data: [] },
      { agent: 'a', type: 'halt', data: { at: 1n } },
      { agent: 'a', type: 'halt', data: {}, at: 'yesterday' },
    ];
    for (const input of bad) {
      await expect(store.append(input as AuditEventInput)).rejects.toBeInstanceOf(InvalidInputError);
    }
    await expect(store.append(event(0))).resolves.toMatchObject({ seq: 1 });
    await store.close();
  });

  it('snapshots data at append time', async () => {
    const store = await open({});
    const data = { items: ['a'] };
    const pending = store.append({ agent: 'a', type: 'memory-write', data });
    data.items.push('b');
    expect((await pending).data).toEqual({ items: ['a'] });
    await store.close();
  });

  it('rejects appends after close (fail closed) and seals the tail on close', async () => {
    const store = await open({ agent: 'agent-1', signingKey: agentKey.privateKey, checkpointEvery: 100 });
    const last = store.append(event(0));
    await store.close();
    await expect(last).resolves.toMatchObject({ seq: 1 });
    await expect(store.append(event(1))).rejects.toBeInstanceOf(AuditWriteError);
  });
});
