// The model flags of `heed run` and `heed eval run` through the real CLI: --base-url and --api-key before
// HEED_* before OPENAI_*/ANTHROPIC_*, the sampling settings on the wire and in the run's records, bad values
// refused with exit 2, and an unreachable model server reported with exit 3.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { type FakeModelServer, startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { runHeed } from '../helpers/run-heed.ts';

const root = mkdtempSync(join(tmpdir(), 'heed-model-options-'));
const received: { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
// A model server that finishes every task at once, in the wire format of the route it was called on.
const server = createServer((request, response) => {
  let text = '';
  request.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  request.on('end', () => {
    received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(text) });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        request.url?.endsWith('/messages')
          ? { type: 'message', content: [{ type: 'text', text: 'done' }], stop_reason: 'end_turn' }
          : { choices: [{ message: { content: 'done' }, finish_reason: 'stop' }] },
      ),
    );
  });
});
let origin = '';
let closedPort = 0;
let fake: FakeModelServer;
// None of the variables the provider reads may leak in from the machine running the tests.
const cleanEnv = {
  HEED_BASE_URL: undefined,
  HEED_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  OPENAI_API_KEY: undefined,
  ANTHROPIC_BASE_URL: undefined,
  ANTHROPIC_API_KEY: undefined,
};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  fake = await startFakeModelServer({ behaviour: 'obedient' });
  mkdirSync(join(root, 'keys'));
  mkdirSync(join(root, 'workspace'));
  const alice = generateKeyPair();
  writeFileSync(join(root, 'keys', 'alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
  writeFileSync(
    join(root, 'charter.yaml'),
    `agent: agent-1\ntarget: if-ranked\nprincipals:\n  - id: alice\n    key: ${alice.publicKeyText}\n    roles: [owner]\n`,
  );
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fake.close();
});

let runs = 0;
function run(model: string, flags: string[], env: NodeJS.ProcessEnv = {}) {
  // Each run a new agent: its own state and its own agent key and audit anchor.
  const state = join(root, `state-${++runs}`);
  const args = ['run', '--charter', 'charter.yaml', '--key', 'keys/alice.key.jwk', '--task', 'finish'];
  const places = ['--state', state, '--keys', join(root, `agent-keys-${runs}`)];
  return runHeed([...args, '--model', model, '--workspace', 'workspace', ...places, ...flags], {
    cwd: root,
    env: { ...cleanEnv, ...env },
  }).then((result) => ({ ...result, state }));
}

describe('heed run model flags', () => {
  it('sends --base-url, --api-key and the sampling settings, and records the settings in run-started', async () => {
    const result = await run(
      'openai:m',
      [
        '--base-url',
        `${origin}/flag/v1`,
        '--api-key',
        'flag-key',
        '--temperature',
        '0.3',
        '--max-tokens',
        '50',
        '--seed',
        '-7',
      ],
      { HEED_BASE_URL: `http://127.0.0.1:${closedPort}/v1`, HEED_API_KEY: 'env-key' },
    );
    expect(result.stderr).not.toMatch(/unexpected/);
    expect(result.code).toBe(0);
    const request = received.at(-1)!;
    expect(request.path).toBe('/flag/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer flag-key');
    expect(request.body).toMatchObject({ model: 'm', temperature: 0.3, max_tokens: 50, seed: -7 });
    const exported = await runHeed(['audit', 'export', '--jsonl', '--db', join(result.state, 'heed.db')]);
    const started = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> })
      .find((entry) => entry.type === 'run-started')!;
    expect(started.data).toMatchObject({
      provider: 'openai:m',
      settings: { temperature: 0.3, maxTokens: 50, seed: -7 },
    });
  });

  it('falls back to HEED_BASE_URL/HEED_API_KEY, then to OPENAI_BASE_URL/OPENAI_API_KEY', async () => {
    expect(
      (await run('openai:m', [], { OPENAI_BASE_URL: `${origin}/openai/v1`, OPENAI_API_KEY: 'openai-key' })).code,
    ).toBe(0);
    expect(received.at(-1)).toMatchObject({
      path: '/openai/v1/chat/completions',
      headers: { authorization: 'Bearer openai-key' },
    });
    const both = await run('openai:m', [], {
      HEED_BASE_URL: `${origin}/heed/v1`,
      HEED_API_KEY: 'heed-key',
      OPENAI_BASE_URL: `http://127.0.0.1:${closedPort}/v1`,
      OPENAI_API_KEY: 'openai-key',
    });
    expect(both.code).toBe(0);
    expect(received.at(-1)).toMatchObject({
      path: '/heed/v1/chat/completions',
      headers: { authorization: 'Bearer heed-key' },
    });
  });

  it('speaks the Messages API for anthropic: models, with ANTHROPIC_API_KEY', async () => {
    const result = await run('anthropic:claude-test', ['--base-url', origin, '--max-tokens', '64'], {
      ANTHROPIC_API_KEY: 'a-key',
    });
    expect(result.code).toBe(0);
    expect(received.at(-1)).toMatchObject({ path: '/v1/messages', headers: { 'x-api-key': 'a-key' } });
    expect(received.at(-1)!.body).toMatchObject({ model: 'claude-test', max_tokens: 64 });
  });

  it.each([
    [['--temperature', 'hot'], /--temperature must be a number; got 'hot'/],
    [['--temperature', '3'], /Temperature 3 must be a number from 0 to 2/],
    [['--max-tokens', '0'], /Max tokens 0 must be a whole number of at least 1/],
    [['--seed', '1.5'], /--seed must be a whole number; got '1.5'/],
    [['--base-url', 'ftp://example.com'], /Base URL 'ftp:\/\/example.com' is not an http\(s\) URL/],
  ])('exits 2 on %j', async (flags, pattern) => {
    const result = await run('openai:m', flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
  });

  it('exits 2 on a seed for an anthropic: model, which cannot take one', async () => {
    const result = await run('anthropic:claude-test', ['--seed', '1', '--base-url', origin]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/takes no seed/);
  });

  it('exits 3 when the model server cannot be reached, naming the flag to fix', async () => {
    const result = await run('openai:m', ['--base-url', `http://127.0.0.1:${closedPort}/v1`]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/halted \(error\): the model call failed: .*Cannot reach model server/);
    expect(result.stdout).toMatch(/ECONNREFUSED/);
    expect(result.stdout).toContain('--base-url');
  });

  it.each(['run', 'eval run'])('documents the flags and variables in heed %s --help', async (command) => {
    const help = await runHeed([...command.split(' '), '--help']);
    expect(help.code).toBe(0);
    for (const text of ['--base-url', '--api-key', '--temperature', '--max-tokens', '--seed', 'anthropic:<model>']) {
      expect(help.stdout).toContain(text);
    }
    for (const variable of [
      'HEED_BASE_URL',
      'OPENAI_BASE_URL',
      'ANTHROPIC_BASE_URL',
      'HEED_API_KEY',
      'OPENAI_API_KEY',
    ]) {
      expect(help.stdout).toContain(variable);
    }
  });
});

describe('heed eval run model flags', () => {
  const suite = join(root, 'suite');
  beforeAll(() => {
    mkdirSync(suite);
    const scenario = new URL('../../src/evals/suites/core/p1-stop-mid-task.yaml', import.meta.url);
    writeFileSync(join(suite, 'p1-stop-mid-task.yaml'), readFileSync(scenario));
  });
  const evalRun = (out: string, flags: string[]) =>
    runHeed(
      [
        'eval',
        'run',
        '--suite',
        suite,
        '--model',
        'openai:obedient',
        '--guard',
        'off',
        '--out',
        out,
        '--base-url',
        fake.url,
        ...flags,
      ],
      { env: cleanEnv },
    );

  it('reaches the server of --base-url, records the settings in run.json, and refuses to resume with others', async () => {
    const out = join(root, 'eval-settings');
    const before = fake.stats.requests;
    const first = await evalRun(out, ['--temperature', '0.5', '--seed', '3']);
    expect(first.code).toBe(0);
    expect(fake.stats.requests).toBeGreaterThan(before);
    const metadata = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(metadata).toMatchObject({
      schemaVersion: 1,
      models: [{ spec: 'openai:obedient', provider: 'openai:obedient', settings: { temperature: 0.5, seed: 3 } }],
    });
    const again = await evalRun(out, ['--temperature', '0.5', '--seed', '3']);
    expect(again.code).toBe(0);
    const other = await evalRun(out, ['--temperature', '0.9']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/holds samples of openai:obedient with settings \{"seed":3,"temperature":0.5\}/);
  });
});
