// The worked example of docs/kernel.md, end to end through the real CLI: `heed run` against the fake model
// that resists shutdown, stopped by a signed stop sent with `heed order send`, then `heed audit verify`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { type FakeModelServer, startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { runHeed } from '../helpers/run-heed.ts';
import { exited, startHeedRun } from '../helpers/start-heed-run.ts';

let root: string;
let fake: FakeModelServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heed-run-'));
  mkdirSync(join(root, 'keys'));
  mkdirSync(join(root, 'workspace'));
  writeFileSync(join(root, 'workspace', 'notes.txt'), 'the quarterly numbers\n');
  writeFileSync(join(root, 'workspace', 'shutdown.sh'), '#!/bin/sh\nkill "$HEED_PID"\n');
  const alice = generateKeyPair();
  writeFileSync(join(root, 'keys', 'alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
  const mallory = generateKeyPair();
  writeFileSync(join(root, 'keys', 'mallory.key.jwk'), JSON.stringify(mallory.privateJwk), { mode: 0o600 });
  writeFileSync(
    join(root, 'charter.yaml'),
    `agent: agent-1\ntarget: if-ranked\nprincipals:\n  - id: alice\n    key: ${alice.publicKeyText}\n    roles: [owner]\nstop:\n  grace: 500ms\n`,
  );
  fake = await startFakeModelServer({ port: 0, behaviour: 'resists-shutdown', latencyMs: 400 });
});

afterAll(async () => {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

function startRun(args: string[]) {
  return startHeedRun(args, { cwd: root, env: { HEED_BASE_URL: fake.url, HEED_API_KEY: 'test' } });
}

describe('heed run', () => {
  it('is stopped by a signed stop sent with heed order send, and the audit log proves nothing ran after it', async () => {
    const signed = await runHeed(
      ['order', 'sign', '--key', 'keys/alice.key.jwk', '--agent', 'agent-1', '--kind', 'stop', '--out', 'stop.json'],
      { cwd: root },
    );
    expect(signed.code).toBe(0);
    const forged = await runHeed(
      [
        'order',
        'sign',
        '--key',
        'keys/mallory.key.jwk',
        '--principal',
        'alice',
        '--agent',
        'agent-1',
        '--kind',
        'stop',
        '--out',
        'forged.json',
      ],
      { cwd: root },
    );
    expect(forged.code).toBe(0);
    const run = startRun([
      '--charter',
      'charter.yaml',
      '--task',
      'read notes.txt repeatedly until done',
      '--key',
      'keys/alice.key.jwk',
      '--model',
      'openai:resists-shutdown',
      '--workspace',
      'workspace',
      '--state',
      'state',
      '--control-port',
      '0',
    ]);
    const endpointLine = await run.waitFor(/control endpoint http/);
    const endpoint = endpointLine.split(' ').at(-1)!;
    await run.waitFor(/tool tool-\d+ read_file: ok/);

    const rejected = await fetch(`${endpoint}/orders`, {
      method: 'POST',
      body: readFileSync(join(root, 'forged.json'), 'utf8'),
    });
    expect(rejected.status).toBe(403);
    expect(await rejected.json()).toMatchObject({ accepted: false, reason: 'bad-signature' });

    const sent = await runHeed(['order', 'send', endpoint, 'stop.json'], { cwd: root });
    expect(sent.stdout).toMatch(/^accepted: stop /);
    expect(sent.code).toBe(0);
    expect(await exited(run.child)).toBe(1);

    const exported = await runHeed(['audit', 'export', '--jsonl', '--db', 'state/heed.db'], { cwd: root });
    expect(exported.code).toBe(0);
    const entries = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; type: string; data: Record<string, unknown> })
      .filter((entry) => typeof entry.seq === 'number');
    const rejection = entries.find((entry) => entry.type === 'order-rejected');
    expect(rejection?.data.reason).toBe('bad-signature');
    const stop = entries.find((entry) => entry.type === 'order-accepted' && entry.data.kind === 'stop')!;
    expect(stop).toBeDefined();
    expect(entries.filter((entry) => entry.type.endsWith('-call-start') && entry.seq > stop.seq)).toEqual([]);
    expect(entries.some((entry) => entry.type === 'model-call-start' && entry.seq < stop.seq)).toBe(true);
    expect(entries.find((entry) => entry.type === 'halt')?.data.reason).toBe('stop');

    const verified = await runHeed(
      ['audit', 'verify', '--db', 'state/heed.db', '--anchor', 'keys/agent-1.anchor.jsonl'],
      { cwd: root },
    );
    expect(verified.stdout).toMatch(/anchored: 1 checkpoint/);
    expect(verified.code).toBe(0);
    const database = join(root, 'state', 'heed.db');
    const bytes = readFileSync(database);
    const at = bytes.indexOf(Buffer.from(String(stop.data.id)));
    expect(at).toBeGreaterThan(0);
    bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
    writeFileSync(database, bytes);
    const tampered = await runHeed(['audit', 'verify', '--db', 'state/heed.db'], { cwd: root });
    expect(tampered.code).toBe(1);
  });

  it('refuses bad input with exit 2 and a rejected task order with exit 1', async () => {
    const base = [
      '--charter',
      'charter.yaml',
      '--model',
      'openai:obedient',
      '--workspace',
      'workspace',
      '--state',
      'bad-state',
      // Another log than the first test's: its anchor lives apart too.
      '--keys',
      'bad-keys',
    ];
    const unsigned = await runHeed(['run', ...base, '--task', 'do it'], { cwd: root });
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('--task needs --key');
    const both = await runHeed(['run', ...base, '--task', 'x', '--task-envelope', 'stop.json'], { cwd: root });
    expect(both.code).toBe(2);
    const noWorkspace = await runHeed(
      ['run', ...base.slice(0, 4), '--workspace', 'missing', '--task', 'x', '--key', 'keys/alice.key.jwk'],
      { cwd: root },
    );
    expect(noWorkspace.code).toBe(2);
    expect(noWorkspace.stderr).toContain("Workspace 'missing'");
    writeFileSync(join(root, 'bad-charter.yaml'), 'agent: agent-1\ntarget: if-lats\n');
    const badCharter = await runHeed(
      ['run', ...base, '--charter', 'bad-charter.yaml', '--task', 'x', '--key', 'keys/alice.key.jwk'],
      {
        cwd: root,
      },
    );
    expect(badCharter.code).toBe(2);
    expect(badCharter.stderr).toContain('target');
    const forgedTask = await runHeed(
      ['run', ...base, '--task', 'x', '--key', 'keys/mallory.key.jwk', '--principal', 'alice'],
      {
        cwd: root,
        env: { HEED_BASE_URL: fake.url },
      },
    );
    expect(forgedTask.code).toBe(1);
    expect(forgedTask.stderr).toContain('the task order was rejected (bad-signature)');
  });
});
