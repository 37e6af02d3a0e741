// heed's state is private to its user: the state database, its WAL companions, run states and the agent's key are
// 0600 and their folders 0700, also when the folder already existed with wider permissions.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteAuditStore } from '../../src/audit/sqlite/sqlite-audit-store.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { runHeedInProcess } from '../authority/run-heed-in-process.ts';

let folder: string;
const path = (name: string) => join(folder, name);
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'heed-modes-'));
  chmodSync(folder, 0o755);
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('state files are private', () => {
  it('creates the state store 0600 inside a state folder that already exists', async () => {
    const alice = generateKeyPair();
    mkdirSync(path('keys'));
    writeFileSync(path('keys/alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
    writeFileSync(
      path('charter.yaml'),
      `agent: agent-1\ntarget: if-ranked\nprincipals:\n  - { id: alice, key: ${alice.publicKeyText}, roles: [owner] }\n`,
    );
    mkdirSync(path('existing'), { mode: 0o755 });
    chmodSync(path('existing'), 0o755);
    const signed = await runHeedInProcess([
      'order',
      'sign',
      '--key',
      path('keys/alice.key.jwk'),
      '--agent',
      'agent-1',
      '--kind',
      'stop',
      '--out',
      path('stop.json'),
    ]);
    expect(signed.code).toBe(0);
    const verified = await runHeedInProcess([
      'order',
      'verify',
      '--charter',
      path('charter.yaml'),
      '--state',
      path('existing/heed.db'),
      path('stop.json'),
    ]);
    expect(verified.code).toBe(0);
    for (const name of readdirSync(path('existing')))
      expect([name, mode(path(`existing/${name}`))]).toEqual([name, '600']);
  });

  it('narrows an existing audit log to 0600', async () => {
    const database = path('wide.db');
    writeFileSync(database, '', { mode: 0o644 });
    chmodSync(database, 0o644);
    const store = openSqliteAuditStore({ path: database, agent: 'agent-1' });
    await store.append({ agent: 'agent-1', type: 'halt', data: {} });
    expect(mode(database)).toBe('600');
    expect(mode(`${database}-wal`)).toBe('600');
    await store.close();
  });
});
