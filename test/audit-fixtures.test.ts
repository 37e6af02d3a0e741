import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAuditEvent } from '../src/audit/events/check-audit-event.ts';
import { verifyAuditExport } from '../src/audit/export/verify-audit-export.ts';
import { openSqliteAuditStore } from '../src/audit/sqlite/sqlite-audit-store.ts';
import { verifySqliteAuditLog } from '../src/audit/sqlite/verify-sqlite-audit-log.ts';
import { runHeed } from './helpers/run-heed.ts';

const fixtures = fileURLToPath(new URL('./fixtures/audit/', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'heed-audit-fixtures-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const keyOf = (file: string) =>
  (JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as { publicKey: string }).publicKey;

/** A version 2 event that fits its schema. */
const lapsed = {
  agent: 'fixture-agent',
  type: 'succession-lapsed',
  data: { explanation: 'the claim was vetoed' },
} as const;

// Logs written by schema version 1 (9 events of an early shape, a signed checkpoint every 5): every later reader must
// still accept them. Version 1 had no per-type schemas, so its entries are held only to a known type and object data.
describe('schema version 1 audit logs', () => {
  const publicKey = keyOf('v1-key.json');

  it('verifies the v1 database, events included, and extends its chain under version 2', async () => {
    const path = join(folder, 'v1.db');
    copyFileSync(join(fixtures, 'v1.db'), path);
    expect(
      verifySqliteAuditLog(path, { trustedKeys: [publicKey], requireSealed: true, checkEvents: true }),
    ).toMatchObject({ ok: true, entries: 11, checkpoints: { signed: 2, keys: [publicKey] } });
    const store = openSqliteAuditStore({ path });
    expect(await store.append(lapsed)).toMatchObject({ seq: 12 });
    await store.close();
    expect(verifySqliteAuditLog(path, { checkEvents: true })).toMatchObject({ ok: true, entries: 13 });
  });

  it('verifies the v1 export', async () => {
    const lines = readFileSync(join(fixtures, 'v1.jsonl'), 'utf8').split('\n');
    expect(
      await verifyAuditExport(lines, { trustedKeys: [publicKey], requireSealed: true, checkEvents: true }),
    ).toMatchObject({ ok: true, entries: 11 });
  });
});

// A real run's log, written by the kernel of schema version 1 (a task with a tool call, a call to a missing tool, a
// forged order, a check approved, a stop), with its export by that heed.
describe('a real run logged under schema version 1', () => {
  const publicKey = keyOf('v1-run-key.json');
  const exported = readFileSync(join(fixtures, 'v1-run.jsonl'), 'utf8');

  it('heed audit verify accepts the database and its export, every event checked', async () => {
    const path = join(folder, 'v1-run.db');
    copyFileSync(join(fixtures, 'v1-run.db'), path);
    const database = await runHeed(['audit', 'verify', '--db', path, '--key', publicKey, '--strict', '--json']);
    expect(database.code).toBe(0);
    expect(JSON.parse(database.stdout)).toMatchObject({ ok: true, entries: 29 });
    const jsonl = await runHeed(['audit', 'verify', '--jsonl', join(fixtures, 'v1-run.jsonl'), '--key', publicKey]);
    expect(jsonl.code).toBe(0);
  });

  it('heed audit export writes the same bytes the version 1 heed wrote', async () => {
    const path = join(folder, 'v1-run-export.db');
    copyFileSync(join(fixtures, 'v1-run.db'), path);
    const run = await runHeed(['audit', 'export', '--jsonl', '--db', path]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(exported);
  });

  it('holds only events that already fit the version 2 schemas (the vocabulary was derived from these writers)', () => {
    const misfits = exported
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; type: string; data: unknown })
      .flatMap((entry) => {
        const check = checkAuditEvent(entry.type, entry.data, 2);
        return check.ok ? [] : [`seq ${entry.seq}: ${check.reason}`];
      });
    expect(misfits).toEqual([]);
  });

  it('extended by this heed: later entries are version 2, checked strictly, and the export says which is which', async () => {
    const path = join(folder, 'v1-run-extended.db');
    copyFileSync(join(fixtures, 'v1-run.db'), path);
    const store = openSqliteAuditStore({ path });
    await store.append(lapsed);
    await store.append({ ...lapsed, data: { explanation: 'again', by: 'mallory' } });
    await store.close();
    const meta = new DatabaseSync(path, { readOnly: true });
    expect(meta.prepare('SELECT key, value FROM audit_meta ORDER BY key').all()).toEqual([
      { key: 'schemaVersion', value: '2' },
      { key: 'schemaVersion2Since', value: '30' },
    ]);
    meta.close();
    // seq 31 has a field its schema does not know; the version 1 entries before it pass as version 1.
    expect(verifySqliteAuditLog(path, { checkEvents: true })).toMatchObject({
      ok: false,
      firstBadSeq: 31,
      reason: 'entry 31: a succession-lapsed event does not fit its schema: data: Unrecognized key: "by"',
    });
    const run = await runHeed(['audit', 'export', '--jsonl', '--db', path]);
    expect(run.code).toBe(1);
    const versions = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { schemaVersion: number }).schemaVersion);
    expect(versions).toEqual([...Array(29).fill(1), 2]);
    expect(run.stderr).toContain('Entry 31 of');
  });
});
