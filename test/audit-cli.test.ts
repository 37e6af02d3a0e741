import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAuditExportLine } from '../src/audit/export/audit-export-line.ts';
import { openPostgresAuditStore } from '../src/audit/postgres/postgres-audit-store.ts';
import { readSqliteAuditRecords } from '../src/audit/sqlite/open-sqlite-audit-log.ts';
import { openSqliteAuditStore } from '../src/audit/sqlite/sqlite-audit-store.ts';
import { verifySqliteAuditLog } from '../src/audit/sqlite/verify-sqlite-audit-log.ts';
import { generateKeyPair } from '../src/core/ed25519.ts';
import { heedBin, runHeed } from './helpers/run-heed.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-audit-cli-'));
const base = join(folder, 'base.db');
const agentKey = generateKeyPair();
let cases = 0;

/** A halt event that fits its schema, told apart by its detail. */
function halt(detail: string) {
  const data = {
    reason: 'stop',
    detail,
    aborted: [],
    abandoned: [],
    killedProcessGroups: [],
    modelCalls: 0,
    toolCalls: 0,
  };
  return { agent: 'agent-1', type: 'halt' as const, data };
}

// 30 events with a checkpoint after every 10: checkpoints at seq 11, 22 and 33 (on close).
beforeAll(async () => {
  const store = openSqliteAuditStore({
    path: base,
    agent: 'agent-1',
    signingKey: agentKey.privateKey,
    checkpointEvery: 10,
  });
  for (let index = 1; index <= 30; index++) {
    const data = { call: `marker-${index}`, name: 'shell', outcome: 'ok', characters: index };
    await store.append({ agent: 'agent-1', type: 'tool-call-end', data });
  }
  await store.close();
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function copyOfBase(): string {
  const path = join(folder, `case-${++cases}.db`);
  copyFileSync(base, path);
  return path;
}

function tamper(sql: string): string {
  const path = copyOfBase();
  const database = new DatabaseSync(path);
  database.exec(sql);
  database.close();
  return path;
}

async function verify(path: string, ...extra: string[]) {
  const run = await runHeed(['audit', 'verify', '--db', path, '--json', ...extra]);
  return { code: run.code, verdict: JSON.parse(run.stdout || '{}') as Record<string, unknown>, stderr: run.stderr };
}

describe('heed audit verify', () => {
  it('passes an untouched log, pinned to the agent key and strict', async () => {
    const run = await runHeed(['audit', 'verify', '--db', base, '--key', agentKey.publicKeyText, '--strict']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ok, 33 entries');
    expect(run.stdout).toContain('3 signed, 0 unsigned');
  });

  it.each([
    ['seq', 'UPDATE audit_entries SET seq = 1000 WHERE seq = 5', 5],
    ['at', "UPDATE audit_entries SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 5", 5],
    ['agent', "UPDATE audit_entries SET agent = 'agent-2' WHERE seq = 5", 5],
    ['type', "UPDATE audit_entries SET type = 'halt' WHERE seq = 5", 5],
    ['data', `UPDATE audit_entries SET data = replace(data, '"ok"', '"error"') WHERE seq = 5`, 5],
    // The first hex digit is changed to another one whatever it was (a plain replace is a no-op on an 'f').
    [
      'prev',
      "UPDATE audit_entries SET prev = (CASE substr(prev, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) || substr(prev, 2) WHERE seq = 5",
      5,
    ],
    [
      'hash',
      "UPDATE audit_entries SET hash = (CASE substr(hash, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) || substr(hash, 2) WHERE seq = 5",
      5,
    ],
    [
      'checkpoint data',
      `UPDATE audit_entries SET data = replace(data, '"covers":10', '"covers":9') WHERE seq = 11`,
      11,
    ],
    ['removed row', 'DELETE FROM audit_entries WHERE seq = 7', 7],
    ['removed last row', 'DELETE FROM audit_entries WHERE seq = 33', 33],
    [
      'reordered rows',
      `UPDATE audit_entries SET seq = -seq WHERE seq IN (8, 9);
       UPDATE audit_entries SET seq = CASE seq WHEN -8 THEN 9 ELSE 8 END WHERE seq < 0`,
      8,
    ],
    [
      'inserted row at the end',
      'INSERT INTO audit_entries SELECT 34, at, agent, type, data, hash, hash FROM audit_entries WHERE seq = 33',
      34,
    ],
    [
      'inserted row in the middle',
      `UPDATE audit_entries SET seq = -seq WHERE seq >= 5;
       UPDATE audit_entries SET seq = 1 - seq WHERE seq < 0;
       INSERT INTO audit_entries SELECT 5, at, agent, type, data, hash, hash FROM audit_entries WHERE seq = 4`,
      5,
    ],
    ['head row', 'UPDATE audit_head SET seq = 32', 33],
  ])('names the first bad seq when the %s is changed', (_field, sql, firstBadSeq) => {
    // The function `heed audit verify` runs, in process: spawning the CLI per case would make the suite slow.
    expect(verifySqliteAuditLog(tamper(sql))).toMatchObject({ ok: false, firstBadSeq });
  });

  it('exits 1 and prints the first bad seq and the reason, as text and as JSON', async () => {
    const run = await runHeed([
      'audit',
      'verify',
      '--db',
      tamper("UPDATE audit_entries SET agent = 'x' WHERE seq = 12"),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/BROKEN at seq 12: entry 12 was altered/);
    expect(await verify(tamper('DELETE FROM audit_entries WHERE seq = 7'))).toMatchObject({
      code: 1,
      verdict: { ok: false, firstBadSeq: 7, reason: 'entry 7 is missing (the next entry has seq 8)' },
    });
  });

  it('fails when one byte of the file is changed in the file header, the schema, a page header or an entry', async () => {
    const original = readFileSync(base);
    const inspect = new DatabaseSync(base, { readOnly: true });
    const pageSize = Number(inspect.prepare('PRAGMA page_size').get()?.page_size);
    const leaf = Number(
      inspect
        .prepare(`SELECT pageno FROM dbstat WHERE name = 'audit_entries' AND pagetype = 'leaf' ORDER BY pageno DESC`)
        .get()?.pageno,
    );
    // The last leaf's unallocated gap, between its cell pointers and its cells: bytes SQLite never reads.
    const leafStart = (leaf - 1) * pageSize;
    const gapStart = leafStart + 8 + 2 * original.readUInt16BE(leafStart + 3);
    const gapEnd = leafStart + original.readUInt16BE(leafStart + 5);
    expect(gapEnd - gapStart).toBeGreaterThan(2);
    const hash17 = String(inspect.prepare('SELECT hash FROM audit_entries WHERE seq = 17').get()?.hash);
    inspect.close();
    const flipped = (offset: number): string => {
      expect(offset).toBeGreaterThan(-1);
      const path = copyOfBase();
      const bytes = Buffer.from(original);
      bytes[offset]! ^= 0x01;
      writeFileSync(path, bytes);
      return path;
    };
    const positions: Array<[string, number]> = [
      ['magic string', 0],
      ['page size', 17],
      ['change counter', 27],
      ['reserved header bytes', 80],
      ['unused space of a leaf page', gapStart + 1],
      ['unused space at the end of the gap', gapEnd - 1],
      ['schema text', original.indexOf('CREATE TABLE audit_entries') + 14],
      ['leaf page cell count', (leaf - 1) * pageSize + 4],
      ['entry data', original.indexOf('marker-17"') + 7],
      ['entry hash', original.lastIndexOf(hash17) + 10],
    ];
    for (const [where, offset] of positions) {
      const verdict = verifySqliteAuditLog(flipped(offset));
      expect([where, verdict.ok, verdict.ok ? '' : typeof verdict.reason]).toEqual([where, false, 'string']);
    }
    const viaCli = await verify(flipped(original.indexOf('marker-17"') + 7));
    // marker-17 is at seq 18: the checkpoint at seq 11 comes first.
    expect(viaCli).toMatchObject({ code: 1, verdict: { ok: false, firstBadSeq: 18 } });
    const notDatabase = await verify(flipped(0));
    expect(notDatabase).toMatchObject({ code: 1, verdict: { ok: false, firstBadSeq: null } });
  });

  it('rejects an untrusted key and a log with unsigned checkpoints in strict mode', async () => {
    const other = generateKeyPair().publicKeyText;
    expect(await verify(base, '--key', other)).toMatchObject({ code: 1, verdict: { firstBadSeq: 11 } });
    const keyless = join(folder, 'keyless.db');
    const store = openSqliteAuditStore({ path: keyless });
    await store.append({ ...halt('keyless'), agent: 'a' });
    await store.close();
    expect(await verify(keyless)).toMatchObject({ code: 0, verdict: { checkpoints: { unsigned: 1 } } });
    expect(await verify(keyless, '--strict')).toMatchObject({ code: 1, verdict: { firstBadSeq: 2 } });
  });

  it('exits 2 on a missing file, a folder, a database with no audit log and bad options, creating nothing', async () => {
    const missing = join(folder, 'nothing-here', 'heed.db');
    const emptyDatabase = join(folder, 'other.db');
    new DatabaseSync(emptyDatabase).exec('CREATE TABLE something (x)');
    mkdirSync(join(folder, 'a-folder'));
    for (const args of [
      ['audit', 'verify', '--db', missing],
      ['audit', 'verify', '--db', join(folder, 'a-folder')],
      ['audit', 'verify', '--db', emptyDatabase],
      ['audit', 'verify', '--db', base, '--key', 'not-a-key'],
      ['audit', 'verify', '--jsonl', join(folder, 'missing.jsonl')],
      ['audit', 'tail', '--db', missing],
      ['audit', 'tail', '--db', base, '-n', 'ten'],
      ['audit', 'export', '--jsonl', '--db', missing],
      ['audit', 'export', '--db', base],
      ['audit', 'export', '--jsonl', '--db', base, '--out', join(folder, 'no-such-folder', 'out.jsonl')],
    ]) {
      const run = await runHeed(args);
      expect([args.join(' '), run.code]).toEqual([args.join(' '), 2]);
      expect(run.stderr).toMatch(/^heed: /);
    }
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(folder, 'nothing-here'))).toBe(false);
  });

  it('uses .heed/heed.db in the current folder by default', async () => {
    const project = join(folder, 'project');
    mkdirSync(join(project, '.heed'), { recursive: true });
    copyFileSync(base, join(project, '.heed', 'heed.db'));
    const run = await runHeed(['audit', 'verify'], { cwd: project });
    expect(run.code).toBe(0);
  });
});

describe('heed audit verify and export check each event against its schema', () => {
  // A store takes any data; the vocabulary is what verify and export hold each event to.
  const misfit = join(folder, 'misfit.db');
  beforeAll(async () => {
    const store = openSqliteAuditStore({ path: misfit, agent: 'agent-1', signingKey: agentKey.privateKey });
    await store.append(halt('fits'));
    await store.append({ ...halt('unknown reason'), data: { ...halt('').data, reason: 'tired' } });
    await store.append({ agent: 'agent-1', type: 'lease-expired', data: { since: 'yesterday' } });
    await store.close();
  });

  it('verify exits 1 naming the first event that does not fit, in the database and in an export', async () => {
    const run = await runHeed(['audit', 'verify', '--db', misfit]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/BROKEN at seq 2: entry 2: a halt event does not fit its schema: data\.reason: /);
    expect(run.stdout).toContain('1 entries verified before it');
    // The same log as a version 2 export (which heed audit export itself refuses to write).
    const database = new DatabaseSync(misfit, { readOnly: true });
    const records = readSqliteAuditRecords(database, 1, 100);
    database.close();
    const jsonl = join(folder, 'misfit-export.jsonl');
    writeFileSync(jsonl, records.map((record) => `${formatAuditExportLine(record, 2)}\n`).join(''));
    const exported = await runHeed(['audit', 'verify', '--jsonl', jsonl, '--json']);
    expect(exported.code).toBe(1);
    expect(JSON.parse(exported.stdout)).toMatchObject({
      ok: false,
      firstBadSeq: 2,
      reason: expect.stringContaining('line 2: entry 2: a halt event does not fit its schema: data.reason'),
    });
  });

  it('export exits 1 naming the event, and leaves no file behind', async () => {
    const out = join(folder, 'misfit.jsonl');
    const run = await runHeed(['audit', 'export', '--jsonl', '--db', misfit, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Entry 2 of '.*misfit\.db' does not fit the event vocabulary: a halt event does not fit its schema: data\.reason/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('heed audit export and tail', () => {
  it('exports one JSON line per entry with seq, type, at and schemaVersion, which verifies on its own', async () => {
    const out = join(folder, 'export.jsonl');
    expect((await runHeed(['audit', 'export', '--jsonl', '--db', base, '--out', out])).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(33);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ schemaVersion: 2, seq: 1, type: 'tool-call-end', data: { call: 'marker-1' } });
    expect(typeof first.at).toBe('string');
    const stdout = await runHeed(['audit', 'export', '--jsonl', '--db', base]);
    expect(stdout.stdout).toBe(readFileSync(out, 'utf8'));
    expect((await runHeed(['audit', 'verify', '--jsonl', out, '--strict'])).code).toBe(0);
    const edited = join(folder, 'edited.jsonl');
    writeFileSync(edited, readFileSync(out, 'utf8').replace('marker-20', 'marker-21'));
    const broken = await runHeed(['audit', 'verify', '--jsonl', edited, '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBadSeq: 21 });
  });

  it('tails the last entries as lines and as JSON', async () => {
    const run = await runHeed(['audit', 'tail', '--db', base, '-n', '2']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\s+32\s+\S+Z\s+tool-call-end\s+agent-1\s+\{"call":"marker-30","characters":30,"name":"shell","outcome":"ok"\}$/,
    );
    expect(lines[1]).toMatch(/^\s+33\s+\S+Z\s+checkpoint/);
    const json = await runHeed(['audit', 'tail', '--db', base, '-n', '1', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ seq: 33, type: 'checkpoint' });
  });

  it('follows new entries as they are committed', async () => {
    const path = copyOfBase();
    const child = spawn(process.execPath, [heedBin, 'audit', 'tail', '--db', path, '-n', '1', '--follow'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => (output.includes(text) ? resolve() : child.stdout.once('data', check));
        check();
      });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    await waitFor('checkpoint');
    const seen = waitFor('marker-follow-2');
    const store = openSqliteAuditStore({ path });
    await store.append(halt('marker-follow-1'));
    await store.append(halt('marker-follow-2'));
    await seen;
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    await store.close();
    expect(code).toBe(0);
    expect(
      output
        .trimEnd()
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[0]),
    ).toEqual(['33', '34', '35']);
  });
});

describe.skipIf(process.env.HEED_TEST_POSTGRES === 'off')('heed audit verify --database-url', () => {
  const connectionString = process.env.HEED_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `heed_audit_cli_${process.pid}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('verifies a log in PostgreSQL against its head row, and fails one cut behind the head row', async () => {
    const store = await openPostgresAuditStore({
      connectionString,
      schema,
      agent: 'agent-1',
      signingKey: agentKey.privateKey,
    });
    for (let index = 0; index < 5; index++) await store.append(halt(`halt ${index}`));
    await store.close();
    const args = ['audit', 'verify', '--database-url', connectionString, '--pg-schema', schema];
    const good = await runHeed([...args, '--key', agentKey.publicKeyText, '--strict']);
    expect(good.stdout).toMatch(/ok, 6 entries/);
    expect(good.code).toBe(0);
    const client = new pg.Client({ connectionString });
    await client.connect();
    await client.query(`DELETE FROM ${schema}.audit_entries WHERE seq = 6`);
    await client.end();
    const cut = await runHeed([...args, '--json']);
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.stdout)).toMatchObject({ ok: false, firstBadSeq: 6 });
    const missing = await runHeed([
      'audit',
      'verify',
      '--database-url',
      connectionString,
      '--pg-schema',
      'no_such_schema',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/holds no heed audit log/);
  });
});
