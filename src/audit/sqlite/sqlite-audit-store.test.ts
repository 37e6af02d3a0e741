import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../core/ed25519.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { AuditEventInput } from '../audit-event.ts';
import { AuditWriteError } from '../audit-write-error.ts';
import { openSqliteAuditStore } from './sqlite-audit-store.ts';
import { verifySqliteAuditLog } from './verify-sqlite-audit-log.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-audit-sqlite-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(folder, `store-${++files}`, 'heed.db');
const agentKey = generateKeyPair();
const event = (index: number): AuditEventInput => ({ agent: 'agent-1', type: 'model-call-end', data: { index } });

describe('the sqlite audit store', () => {
  it('checkpoints its WAL from another thread while open, and leaves no WAL behind when closed', async () => {
    const path = freshPath();
    const store = openSqliteAuditStore({ path, agent: 'agent-1' });
    await store.append(event(0));
    const before = statSync(path).size;
    await Promise.all(Array.from({ length: 3000 }, (_, index) => store.append(event(index + 1))));
    // The writer never checkpoints on commit (wal_autocheckpoint = 0): only the checkpointer thread grows the file.
    const deadline = Date.now() + 10_000;
    while (statSync(path).size === before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(path).size).toBeGreaterThan(before);
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(verifySqliteAuditLog(path)).toMatchObject({ ok: true });
  });

  it('continues the chain when reopened, seals it on close, and shares the file with other tables', async () => {
    const path = freshPath();
    const first = openSqliteAuditStore({ path, agent: 'agent-1', signingKey: agentKey.privateKey });
    for (let index = 0; index < 5; index++) await first.append(event(index));
    await first.close();
    const other = new DatabaseSync(path);
    other.exec(
      "CREATE TABLE lease_state (agent TEXT PRIMARY KEY, renewed TEXT); INSERT INTO lease_state VALUES ('a', 'b')",
    );
    other.close();
    const second = openSqliteAuditStore({ path, agent: 'agent-1', signingKey: agentKey.privateKey });
    expect(await second.append(event(5))).toMatchObject({ seq: 7 });
    await second.close();
    expect(verifySqliteAuditLog(path, { trustedKeys: [agentKey.publicKeyText], requireSealed: true })).toMatchObject({
      ok: true,
      entries: 8,
      checkpoints: { signed: 2 },
    });
  });

  it('keeps one chain when two stores append to the same file', async () => {
    const path = freshPath();
    const stores = [openSqliteAuditStore({ path }), openSqliteAuditStore({ path })];
    for (let round = 0; round < 20; round++) {
      await Promise.all(stores.flatMap((store) => [store.append(event(round)), store.append(event(round))]));
    }
    await Promise.all(stores.map((store) => store.close()));
    expect(verifySqliteAuditLog(path)).toMatchObject({ ok: true, entries: 81 });
  });

  it('fails closed: a failed commit rejects that append and every later one', async () => {
    const path = freshPath();
    const store = openSqliteAuditStore({ path });
    await store.append(event(0));
    const saboteur = new DatabaseSync(path);
    saboteur.exec(`CREATE TRIGGER refuse BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const batch = [store.append(event(1)), store.append(event(2))];
    for (const append of batch) await expect(append).rejects.toThrow(/disk full.*fail closed/);
    saboteur.exec('DROP TRIGGER refuse');
    saboteur.close();
    await expect(store.append(event(3))).rejects.toBeInstanceOf(AuditWriteError);
    await store.close();
    expect(verifySqliteAuditLog(path)).toMatchObject({ ok: true, entries: 1 });
  });

  it('fails closed when another writer holds the lock past the busy timeout', async () => {
    const path = freshPath();
    const store = openSqliteAuditStore({ path, busyTimeoutMs: 20 });
    await store.append(event(0));
    const holder = new DatabaseSync(path);
    holder.exec('BEGIN IMMEDIATE');
    await expect(store.append(event(1))).rejects.toThrow(/locked/);
    holder.exec('ROLLBACK');
    holder.close();
    await expect(store.append(event(2))).rejects.toBeInstanceOf(AuditWriteError);
    await store.close();
  });

  it.skipIf(process.getuid?.() === 0)('fails closed on a read-only file', async () => {
    const path = freshPath();
    const setup = openSqliteAuditStore({ path });
    await setup.append(event(0));
    await setup.close();
    chmodSync(path, 0o444);
    const store = openSqliteAuditStore({ path });
    await expect(store.append(event(1))).rejects.toBeInstanceOf(AuditWriteError);
    await expect(store.append(event(2))).rejects.toBeInstanceOf(AuditWriteError);
    await store.close().catch(() => undefined);
  });

  it('leaves a chain that verifies up to the last committed entry when the writer is killed mid-write', async () => {
    const path = freshPath();
    const script = fileURLToPath(new URL('../../../test/helpers/append-audit-until-killed.ts', import.meta.url));
    const child = spawn(process.execPath, [script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let committed = 0;
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        committed = Number(chunk.trim().split('\n').at(-1));
        if (committed >= 3000 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));
    const afterCrash = join(folder, 'after-crash.db');
    // Verify a copy with its WAL, as the next process to open the file would see it.
    copyFileSync(path, afterCrash);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${afterCrash}-wal`);
    const verdict = verifySqliteAuditLog(afterCrash);
    expect(verdict.ok).toBe(true);
    expect(verdict.entries).toBeGreaterThanOrEqual(committed);
    // The store reopens on the crashed file and extends the same chain.
    const reopened = openSqliteAuditStore({ path: afterCrash });
    expect((await reopened.append(event(0))).seq).toBe(verdict.entries + 1);
    await reopened.close();
    expect(verifySqliteAuditLog(afterCrash)).toMatchObject({ ok: true });
  });

  it('never creates a database when asked to verify a missing one', () => {
    const path = join(folder, 'missing', 'heed.db');
    expect(() => verifySqliteAuditLog(path)).toThrow(InvalidInputError);
    expect(existsSync(path)).toBe(false);
  });
});
