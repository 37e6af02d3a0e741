// The audit log cannot be cut or rewritten without `heed audit verify --anchor` noticing. Before, deleting the entries
// after a checkpoint (fixing audit_head, then VACUUM) passed `verify --strict --key`; a rewrite re-signed with the
// agent key (kept beside the log) passed too, and without --key any fresh key passed. Now each checkpoint is also
// anchored out of the log, the key lives in the keys folder, and the log holds every order's signed envelope whole.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/authority/envelope.ts';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import type { OrderKind } from '../../src/charter/charter-schema.ts';
import { formatPublicKey, generateKeyPair, parsePrivateJwk, publicKeyOf } from '../../src/core/ed25519.ts';
import { runHeedInProcess } from '../authority/run-heed-in-process.ts';

let root: string;
let witness: Server;
let witnessUrl: string;
const witnessed: Array<{ seq: number; hash: string }> = [];
const path = (...names: string[]) => join(root, ...names);
const alice = generateKeyPair();
const mallory = generateKeyPair();

function order(kind: OrderKind, body: Record<string, unknown>, privateKey = alice.privateKey): Envelope {
  const unsigned = createEnvelope({ agent: 'agent-1', kind, body, ttlMs: 600_000, now: Date.now() });
  return signEnvelope(unsigned, { principal: 'alice', privateKey });
}

let files = 0;
function file(envelope: Envelope): string {
  const name = path(`order-${++files}.json`);
  writeFileSync(name, JSON.stringify(envelope));
  return name;
}

const database = () => path('.heed', 'heed.db');
const anchor = () => path('keys', 'agent-1.anchor.jsonl');

function run(...more: string[]) {
  return runHeedInProcess([
    'run',
    '--charter',
    path('charter.yaml'),
    '--task-envelope',
    file(order('task', { text: 'work' })),
    '--model',
    `scripted:${path('done.yaml')}`,
    '--workspace',
    path('workspace'),
    '--state',
    path('.heed'),
    '--no-screening',
    ...more,
  ]);
}

function exported(): Array<{ seq: number; type: string; data: Record<string, unknown> }> {
  const connection = new DatabaseSync(database(), { readOnly: true });
  try {
    return connection
      .prepare('SELECT seq, type, data FROM audit_entries ORDER BY seq')
      .all()
      .map((row) => ({ seq: Number(row.seq), type: String(row.type), data: JSON.parse(String(row.data)) }));
  } finally {
    connection.close();
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heed-audit-anchor-'));
  mkdirSync(path('workspace'));
  writeFileSync(
    path('charter.yaml'),
    `agent: agent-1\ntarget: if-ranked\nprincipals:\n  - { id: alice, key: ${alice.publicKeyText}, roles: [owner] }\n`,
  );
  writeFileSync(path('done.yaml'), '- text: done\n');
  witness = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      witnessed.push(JSON.parse(body) as { seq: number; hash: string });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => witness.listen(0, '127.0.0.1', resolve));
  witnessUrl = `http://127.0.0.1:${(witness.address() as AddressInfo).port}/anchors`;
});

afterAll(async () => {
  await new Promise((resolve) => witness.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('the audit log is anchored out of the writer reach', () => {
  it('keeps whole envelopes, anchors each checkpoint, and says when a verify is unanchored', async () => {
    const forged = file(order('stop', {}, mallory.privateKey));
    const first = await run('--order', forged, '--witness', witnessUrl);
    expect(first.stderr).toMatch(/--order .* was rejected \(bad-signature\)/);
    expect(first.code).toBe(0);
    expect((await run()).code).toBe(0);

    const entries = exported();
    const accepted = entries.filter((entry) => entry.type === 'order-accepted');
    expect(accepted.map((entry) => (entry.data.envelope as Envelope).kind)).toEqual(['task', 'task']);
    // The forged stop is in the log whole: an auditor can see who claimed to order what, and re-verify it.
    const rejected = entries.find((entry) => entry.type === 'order-rejected')!;
    expect(rejected.data).toMatchObject({
      reason: 'bad-signature',
      envelope: JSON.parse(readFileSync(forged, 'utf8')),
    });
    // An accepted envelope from the log verifies on its own against the charter.
    writeFileSync(path('from-log.json'), JSON.stringify(accepted[0]!.data.envelope));
    const reverified = await runHeedInProcess([
      'order',
      'verify',
      '--charter',
      path('charter.yaml'),
      '--state',
      path('auditor.db'),
      path('from-log.json'),
    ]);
    expect(reverified.stdout).toBe('accepted\n');

    const anchored = readFileSync(anchor(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const checkpoints = entries.filter((entry) => entry.type === 'checkpoint').map((entry) => entry.seq);
    expect(anchored.map((record) => record.seq)).toEqual(checkpoints);
    expect(checkpoints).toHaveLength(2);
    expect(witnessed.map((record) => record.seq)).toEqual([checkpoints[0]]);

    const plain = await runHeedInProcess(['audit', 'verify', '--db', database()]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/unanchored: tail truncation not detectable/);
    const withAnchor = await runHeedInProcess(['audit', 'verify', '--db', database(), '--anchor', anchor()]);
    expect(withAnchor.code).toBe(0);
    expect(withAnchor.stdout).toMatch(/anchored: 2 checkpoint\(s\) up to seq \d+; the 0 entries after it/);
  });

  it('detects the tail cut back to the first checkpoint that --strict --key lets through', async () => {
    const agentKey = parsePrivateJwk(readFileSync(path('keys', 'agent-1.agent.key.jwk'), 'utf8'));
    const agentPublic = formatPublicKey(publicKeyOf(agentKey));
    const [firstCheckpoint] = readFileSync(anchor(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; hash: string });
    const connection = new DatabaseSync(database());
    connection.exec(
      `DELETE FROM audit_entries WHERE seq > ${firstCheckpoint!.seq}; UPDATE audit_head SET seq = ${firstCheckpoint!.seq}, hash = '${firstCheckpoint!.hash}', checkpoint_seq = ${firstCheckpoint!.seq}; VACUUM;`,
    );
    connection.close();

    const strict = await runHeedInProcess(['audit', 'verify', '--db', database(), '--strict', '--key', agentPublic]);
    expect(strict.code).toBe(0);
    expect(strict.stdout).toMatch(/unanchored: tail truncation not detectable/);
    const anchored = await runHeedInProcess(['audit', 'verify', '--db', database(), '--anchor', anchor(), '--json']);
    expect(anchored.code).toBe(1);
    expect(JSON.parse(anchored.stdout)).toMatchObject({
      ok: false,
      firstBadSeq: firstCheckpoint!.seq + 1,
      anchored: true,
      reason: expect.stringMatching(/are missing: a checkpoint at seq \d+ was anchored/),
    });
    // heed will not append to the cut log either.
    const next = await run();
    expect(next.code).toBe(2);
    expect(next.stderr).toMatch(/does not match its anchor .*its tail was cut/);
  });

  it('refuses an anchor file it cannot read as one, naming the line', async () => {
    writeFileSync(path('bad-anchor.jsonl'), '{"schemaVersion":1}\n{"schemaVersion":1}\n');
    const bad = await runHeedInProcess(['audit', 'verify', '--db', database(), '--anchor', path('bad-anchor.jsonl')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/audit anchor .*bad-anchor.jsonl: line 1: agent/);
  });
});
