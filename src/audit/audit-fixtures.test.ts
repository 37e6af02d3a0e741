import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditExport } from './export/verify-audit-export.ts';
import { openSqliteAuditStore } from './sqlite/sqlite-audit-store.ts';
import { verifySqliteAuditLog } from './sqlite/verify-sqlite-audit-log.ts';

// Logs written by schema version 1 (9 events, a signed checkpoint every 5): every later reader must still accept them.
const fixtures = fileURLToPath(new URL('../../test/fixtures/audit/', import.meta.url));
const { publicKey } = JSON.parse(readFileSync(join(fixtures, 'v1-key.json'), 'utf8')) as { publicKey: string };
const folder = mkdtempSync(join(tmpdir(), 'heed-audit-fixtures-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('schema version 1 audit logs', () => {
  it('verifies the v1 database and extends its chain', async () => {
    const path = join(folder, 'v1.db');
    copyFileSync(join(fixtures, 'v1.db'), path);
    expect(verifySqliteAuditLog(path, { trustedKeys: [publicKey], requireSealed: true })).toMatchObject({
      ok: true,
      entries: 11,
      checkpoints: { signed: 2, keys: [publicKey] },
    });
    const store = openSqliteAuditStore({ path });
    expect(await store.append({ agent: 'fixture-agent', type: 'run-started', data: {} })).toMatchObject({ seq: 12 });
    await store.close();
    expect(verifySqliteAuditLog(path)).toMatchObject({ ok: true, entries: 13 });
  });

  it('verifies the v1 export', async () => {
    const lines = readFileSync(join(fixtures, 'v1.jsonl'), 'utf8').split('\n');
    expect(await verifyAuditExport(lines, { trustedKeys: [publicKey], requireSealed: true })).toMatchObject({
      ok: true,
      entries: 11,
    });
  });
});
