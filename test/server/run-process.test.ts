// `heed run --server` as a real process: it registers signed by the key in its keys folder (pinned by the server),
// is stopped through the server, and ships its audit and its signed checkpoints; the same agent id started with
// another keys folder (another key) is refused by the server and does not run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer, loginToServer, submitEnvelope } from '../../src/server/server-client.ts';
import { exited, startHeedRun } from '../helpers/start-heed-run.ts';
import { principals, signedBy } from './fleet-fixture.ts';

let root: string;
let fake: FakeModelServer;
let server: ControlPlaneServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heed-run-server-'));
  mkdirSync(join(root, 'keys'));
  mkdirSync(join(root, 'workspace'));
  writeFileSync(join(root, 'workspace', 'notes.txt'), 'the quarterly numbers\n');
  writeFileSync(join(root, 'keys', 'alice.key.jwk'), JSON.stringify(principals.alice.privateJwk), { mode: 0o600 });
  writeFileSync(
    join(root, 'charter.yaml'),
    [
      'agent: agent-1',
      'target: if-ranked',
      'groups: [fleet]',
      'principals:',
      `  - id: alice\n    key: ${principals.alice.publicKeyText}\n    roles: [owner]`,
      `  - id: bob\n    key: ${principals.bob.publicKeyText}\n    roles: [operator]`,
      'stop:\n  grace: 500ms',
      '',
    ].join('\n'),
  );
  fake = await startFakeModelServer({ port: 0, behaviour: 'resists-shutdown', latencyMs: 200 });
  server = await serveControlPlane({ stateDir: join(root, 'server'), port: 0 });
});

afterAll(async () => {
  await server.close();
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

const runArgs = (keys: string, state: string) => [
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
  state,
  '--keys',
  keys,
  '--server',
  server.url,
];

describe('heed run --server', () => {
  it('joins signed by its own key, is stopped through the server, and another key for its id is refused', async () => {
    const run = startHeedRun(runArgs('agent-keys', 'state'), {
      cwd: root,
      env: { HEED_BASE_URL: fake.url, HEED_API_KEY: 'test' },
    });
    await run.waitFor(/joined the control plane/);
    await run.waitFor(/tool tool-\d+ read_file: ok/);
    await submitEnvelope(server.url, signedBy('bob', 'group:fleet', 'stop'));
    expect(await exited(run.child)).toBe(1);

    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const { agents } = await callServer<{ agents: Array<{ id: string; publicKey: string | null; status: string }> }>(
      server.url,
      '/agents',
      { token: alice },
    );
    expect(agents).toMatchObject([{ id: 'agent-1', status: 'halted' }]);
    expect(agents[0]!.publicKey).toMatch(/^ed25519:/);
    const audit = await callServer<{ verification: { status: string }; events: Array<{ type: string }> }>(
      server.url,
      '/agents/agent-1/audit',
      { token: alice },
    );
    expect(audit.verification.status).toBe('verified');
    expect(audit.events.some((event) => event.type === 'halt')).toBe(true);

    const impostor = startHeedRun(runArgs('other-keys', 'other-state'), {
      cwd: root,
      env: { HEED_BASE_URL: fake.url, HEED_API_KEY: 'test' },
    });
    const code = await exited(impostor.child);
    expect(code).not.toBe(0);
    expect(impostor.lines.join('\n')).toMatch(/refused \(409\) to register 'agent-1'.*pinned to key/);
  });
});
