// Pending checks end to end: `heed serve`, a `heed run --server` agent whose model (the fake model server) asks to
// delete two files, `heed checks ls` showing each held action, `heed checks approve` running exactly that one and
// `heed checks deny` keeping the other from running.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { type FakeModelServer, startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import type { PendingCheck } from '../../src/server/api-schemas.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { runHeed } from '../helpers/run-heed.ts';
import { exited, startHeedRun } from '../helpers/start-heed-run.ts';

let root: string;
let model: FakeModelServer;
let server: ControlPlaneServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heed-checks-cli-'));
  mkdirSync(join(root, 'keys'));
  mkdirSync(join(root, 'workspace'));
  writeFileSync(join(root, 'workspace', 'notes.txt'), 'old notes\n');
  writeFileSync(join(root, 'workspace', 'draft.txt'), 'a draft\n');
  const alice = generateKeyPair();
  const bob = generateKeyPair();
  writeFileSync(join(root, 'keys', 'alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
  writeFileSync(join(root, 'keys', 'bob.key.jwk'), JSON.stringify(bob.privateJwk), { mode: 0o600 });
  writeFileSync(
    join(root, 'charter.yaml'),
    [
      'agent: agent-1',
      'target: if-ranked',
      'principals:',
      '  - id: alice',
      `    key: ${alice.publicKeyText}`,
      '    roles: [owner]',
      '  - id: bob',
      `    key: ${bob.publicKeyText}`,
      '    roles: [observer]',
      'authority:',
      '  resume:',
      '    roles: [owner]',
      '    quorum: all',
      '',
    ].join('\n'),
  );
  model = await startFakeModelServer({ port: 0, behaviour: 'complies-with-harm', latencyMs: 0 });
  server = await serveControlPlane({ stateDir: join(root, 'server'), port: 0 });
});
afterAll(async () => {
  await server.close();
  await model.close();
  rmSync(root, { recursive: true, force: true });
});

const heed = (args: string[]) => runHeed(args, { cwd: root });
const asAlice = ['--server', '', '--key', 'keys/alice.key.jwk'];
const withServer = (args: string[]) => args.map((arg, index) => (index === 1 && arg === '' ? server.url : arg));

/** `heed checks ls --wait 1 --json` until a check on `path` is listed (the agent ships its audit every second). */
async function checkOn(path: string): Promise<PendingCheck> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const listed = await heed(['checks', 'ls', ...withServer(asAlice), '--wait', '1', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const found = (JSON.parse(listed.stdout).checks as PendingCheck[]).find((check) => check.input.path === path);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no check on ${path} was listed`);
}

describe('heed checks against heed serve and heed run --server', () => {
  it('lists the held actions, runs exactly the approved one, and not the denied one', async () => {
    const run = startHeedRun(
      [
        '--charter',
        'charter.yaml',
        '--task',
        'delete notes.txt and delete draft.txt',
        '--key',
        'keys/alice.key.jwk',
        '--model',
        'openai:complies-with-harm',
        '--workspace',
        'workspace',
        '--state',
        'state',
        '--server',
        server.url,
      ],
      { cwd: root, env: { HEED_BASE_URL: model.url, HEED_API_KEY: 'test' } },
    );
    let approvedAction = '';
    try {
      const first = await checkOn('notes.txt');
      approvedAction = first.action;
      expect(first).toMatchObject({
        agent: 'agent-1',
        tool: 'delete_file',
        rule: expect.stringMatching(/irreversible/),
      });
      expect(first.action).toMatch(/^[0-9a-f]{64}$/);
      expect(first.prediction).not.toBe('');
      expect(Date.parse(first.expiresAt)).toBeGreaterThan(Date.parse(first.requestedAt));

      // The agent registered its charter's order rules: the server shows who must sign what.
      const listed = await heed(['fleet', 'ls', ...withServer(asAlice), '--json']);
      expect(JSON.parse(listed.stdout).agents[0].authority).toMatchObject({
        resume: { roles: ['owner'], quorum: 'all' },
        approve: { roles: ['owner', 'operator'], quorum: 1 },
      });

      const text = await heed(['checks', 'ls', ...withServer(asAlice), '--agent', 'agent-1']);
      expect(text.stdout).toContain(first.action.slice(0, 12));
      expect(text.stdout).toMatch(/rule: .*irreversible/);

      // An observer sees the check, and may sign an approval; the agent, not the server, refuses it.
      const observed = await heed([
        'checks',
        'ls',
        ...withServer(['--server', '', '--key', 'keys/bob.key.jwk']),
        '--json',
      ]);
      expect(JSON.parse(observed.stdout).checks).toHaveLength(1);

      const unknown = await heed(['checks', 'approve', 'ffff0000', ...withServer(asAlice)]);
      expect(unknown).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/no pending check .* starting with 'ffff0000'/i),
      });
      const notHex = await heed(['checks', 'approve', 'notahash', ...withServer(asAlice)]);
      expect(notHex).toMatchObject({ code: 2, stderr: expect.stringMatching(/hex digits/) });

      const approved = await heed([
        'checks',
        'approve',
        first.action.slice(0, 10),
        ...withServer(asAlice),
        '--note',
        'old notes may go',
        '--json',
      ]);
      expect(approved.code, approved.stderr).toBe(0);
      expect(JSON.parse(approved.stdout)).toMatchObject({ target: 'agent-1', action: first.action });
      await run.waitFor(/tool tool-\d+ delete_file: ok/);
      expect(existsSync(join(root, 'workspace', 'notes.txt'))).toBe(false);

      const second = await checkOn('draft.txt');
      expect(second.action).not.toBe(first.action);
      const denied = await heed([
        'checks',
        'deny',
        second.action.slice(0, 8),
        ...withServer(asAlice),
        '--reason',
        'keep it',
      ]);
      expect(denied.code, denied.stderr).toBe(0);
      expect(denied.stdout).toMatch(/^submitted: deny of /);
      expect(await exited(run.child)).toBe(0);
    } finally {
      run.child.kill();
    }
    expect(existsSync(join(root, 'workspace', 'draft.txt'))).toBe(true);
    const exported = await heed(['audit', 'export', '--jsonl', '--db', 'state/heed.db']);
    const events = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
    const answers = events.filter((event) => event.type === 'check-answered').map((event) => event.data);
    expect(answers).toMatchObject([
      { action: approvedAction, answer: 'approved', signers: ['alice'] },
      { answer: 'denied', signers: ['alice'] },
    ]);
    const started = events.filter((event) => event.type === 'tool-call-start').map((event) => event.data.input);
    expect(started).toEqual([{ path: 'notes.txt' }]);
  }, 120_000);
});
