// GET /checks and /agents/:id/checks derived from shipped events: answered, expired and halted agents' checks drop
// out, the policy's reason and the model's words come along, and only principals on the agent see them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import type { PendingCheck } from '../../src/server/api-schemas.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer, loginToServer, ServerRefusedError } from '../../src/server/server-client.ts';
import { runHeed } from '../helpers/run-heed.ts';

const alice = generateKeyPair();
const eve = generateKeyPair();
const clock = new ManualClock(Date.now());
let folder: string;
let server: ControlPlaneServer;
let aliceToken: string;
let eveToken: string;
let seq = 0;
const hash = (character: string) => character.repeat(64);

async function register(
  agent: string,
  principals: Array<{ id: string; key: string; roles: string[] }>,
  extra: Record<string, unknown> = {},
) {
  await callServer(server.url, '/agents', {
    method: 'POST',
    body: JSON.stringify({
      agent,
      publicKey: null,
      charterHash: hash('c'),
      groups: [],
      principals,
      runId: `run-${agent}`,
      ...extra,
    }),
  });
}

async function ship(agent: string, events: Array<{ type: string; data: Record<string, unknown> }>) {
  const entries = events.map((event) => ({
    seq: ++seq,
    at: new Date(clock.now()).toISOString(),
    agent,
    ...event,
    prev: hash('0'),
    hash: hash('1'),
  }));
  await callServer(server.url, `/agents/${agent}/audit`, { method: 'POST', body: JSON.stringify({ events: entries }) });
}

const requested = (call: string, action: string, expiresInMs: number) => ({
  type: 'check-requested',
  data: {
    call,
    tool: 'pay',
    action,
    input: { amount: 100 },
    prediction: 'money leaves the account',
    expiresAt: new Date(clock.now() + expiresInMs).toISOString(),
  },
});

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'heed-checks-api-'));
  server = await serveControlPlane({ stateDir: folder, port: 0, clock });
  await register('agent-1', [{ id: 'alice', key: alice.publicKeyText, roles: ['owner'] }]);
  await register('agent-2', [{ id: 'eve', key: eve.publicKeyText, roles: ['owner'] }]);
  aliceToken = await loginToServer(server.url, 'alice', alice.privateKey);
  eveToken = await loginToServer(server.url, 'eve', eve.privateKey);
});
afterAll(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('pending checks', () => {
  it('lists unanswered, unexpired checks of a running agent to the principals on it', async () => {
    await ship('agent-1', [
      { type: 'run-started', data: {} },
      {
        type: 'model-call-end',
        data: {
          call: 'model-1',
          outcome: 'ok',
          text: 'Paying the invoice now.',
          toolCalls: [{ id: 'c1', name: 'pay' }],
        },
      },
      {
        type: 'policy-decision',
        data: {
          call: 'c1',
          tool: 'pay',
          impact: 'spending',
          action: hash('a'),
          decision: 'check',
          reason: 'spending: check',
        },
      },
      requested('c1', hash('a'), 3_600_000),
      requested('c2', hash('b'), 60_000),
      requested('c3', hash('c'), 3_600_000),
      { type: 'check-answered', data: { action: hash('c'), answer: 'approved', order: 'o-1', signers: ['alice'] } },
    ]);
    const { checks } = await callServer<{ checks: PendingCheck[] }>(server.url, '/checks', { token: aliceToken });
    expect(checks).toEqual([
      {
        agent: 'agent-1',
        call: 'c1',
        tool: 'pay',
        action: hash('a'),
        input: { amount: 100 },
        prediction: 'money leaves the account',
        expiresAt: expect.any(String),
        requestedAt: new Date(clock.now()).toISOString(),
        rule: 'spending: check',
        reasoning: 'Paying the invoice now.',
      },
      expect.objectContaining({ call: 'c2', action: hash('b'), rule: null }),
    ]);
    expect(checks[1]).not.toHaveProperty('reasoning');
    const forAgent = await callServer<{ checks: PendingCheck[] }>(server.url, '/agents/agent-1/checks', {
      token: aliceToken,
    });
    expect(forAgent.checks.map((check) => check.call)).toEqual(['c1', 'c2']);

    // eve is on agent-2 only: nothing of agent-1 reaches her.
    expect((await callServer<{ checks: PendingCheck[] }>(server.url, '/checks', { token: eveToken })).checks).toEqual(
      [],
    );
    const hidden = await callServer(server.url, '/agents/agent-1/checks', { token: eveToken }).catch((error) => error);
    expect(hidden).toBeInstanceOf(ServerRefusedError);
    expect((hidden as ServerRefusedError).status).toBe(404);
    const anonymous = await callServer(server.url, '/checks').catch((error) => error);
    expect((anonymous as ServerRefusedError).status).toBe(401);

    clock.advance(61_000);
    const later = await callServer<{ checks: PendingCheck[] }>(server.url, '/checks', { token: aliceToken });
    expect(later.checks.map((check) => check.call)).toEqual(['c1']);

    await ship('agent-1', [{ type: 'halt', data: { reason: 'stop' } }]);
    const halted = await callServer<{ checks: PendingCheck[] }>(server.url, '/checks', { token: aliceToken });
    expect(halted.checks).toEqual([]);
  });
});

describe('heed checks approve against checks that need care', () => {
  it('refuses an ambiguous prefix, and proposes an approval that needs a quorum as a pending order', async () => {
    writeFileSync(join(folder, 'alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
    const bob = generateKeyPair();
    // agent-3 needs two owners to approve: one signature would be refused by the agent.
    await register(
      'agent-3',
      [
        { id: 'alice', key: alice.publicKeyText, roles: ['owner'] },
        { id: 'bob', key: bob.publicKeyText, roles: ['owner'] },
      ],
      { authority: { approve: { roles: ['owner'], quorum: 2 } } },
    );
    const first = `abc0${'1'.repeat(60)}`;
    const second = `abc0${'2'.repeat(60)}`;
    await ship('agent-3', [requested('d1', first, 3_600_000), requested('d2', second, 3_600_000)]);
    const heed = (args: string[]) =>
      runHeed([...args, '--server', server.url, '--key', 'alice.key.jwk'], { cwd: folder });

    const ambiguous = await heed(['checks', 'approve', 'abc0', '--agent', 'agent-3']);
    expect(ambiguous).toMatchObject({ code: 1, stderr: expect.stringMatching(/'abc0' starts 2 pending actions/) });

    const proposed = await heed(['checks', 'approve', 'abc01', '--agent', 'agent-3']);
    expect(proposed.code, proposed.stderr).toBe(0);
    expect(proposed.stdout).toMatch(/^proposed: approve of abc011111111 on agent-3 needs 2 signatures; .* awaits bob/);
    const token = await loginToServer(server.url, 'alice', alice.privateKey);
    const { pending } = await callServer<{ pending: Array<{ kind: string; envelope: { body: unknown } }> }>(
      server.url,
      '/pending-orders',
      { token },
    );
    expect(pending).toMatchObject([{ kind: 'approve', envelope: { body: { action: first } }, status: 'pending' }]);
    expect(await server.store.ordersFor(['agent-3'], 0, 10)).toEqual([]);
  }, 60_000);
});
