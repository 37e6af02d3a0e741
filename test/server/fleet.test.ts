// heed serve on the embedded store with agents joined over loopback: a fleet stop signed once and verified by every
// member, an order altered by the server rejected by every agent, resume after a lost connection, the lease halt
// when the server is gone, and principals' challenge login.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer, loginToServer, ServerRefusedError, submitEnvelope } from '../../src/server/server-client.ts';
import { verifyServerAudit } from '../../src/server/store/server-audit-chain.ts';
import type { OrderRecord, ServerStore } from '../../src/server/store/server-store.ts';
import { openSqliteServerStore } from '../../src/server/store/sqlite-server-store.ts';
import { closeAgents, type FleetAgent, joinAgent, principals, signedBy } from './fleet-fixture.ts';

let model: FakeModelServer;
const folders: string[] = [];
const cleanups: Array<() => Promise<void>> = [];

function stateFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'heed-serve-'));
  folders.push(folder);
  return folder;
}

async function serve(options: { stateDir?: string; store?: ServerStore; port?: number } = {}) {
  const server = await serveControlPlane({
    stateDir: options.stateDir ?? stateFolder(),
    port: options.port ?? 0,
    ...options,
  });
  cleanups.push(() => server.close());
  return server;
}

async function join3(server: ControlPlaneServer): Promise<FleetAgent[]> {
  const agents = await Promise.all(
    ['agent-1', 'agent-2', 'agent-3'].map((id) => joinAgent({ id, server: server.url, modelUrl: model.url })),
  );
  cleanups.push(() => closeAgents(agents));
  await Promise.all(agents.map(({ agent }) => agent.server!.connected()));
  return agents;
}

beforeAll(async () => {
  model = await startFakeModelServer({ behaviour: 'resists-shutdown', latencyMs: 100 });
});
afterAll(async () => {
  await model.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('heed serve with agents joined', () => {
  it('halts every member of a group with one signed stop, and shows it in the listing and the audit', async () => {
    const server = await serve();
    const agents = await join3(server);
    const runs = agents.map(({ agent }) => {
      agent.deliver(signedBy('alice', agent.charter().agent, 'task', { text: 'read notes.txt repeatedly until done' }));
      return agent.runToEnd();
    });
    await Promise.all(agents.map((member) => member.waitForEntry('model-call-start')));
    const submitted = await submitEnvelope(
      server.url,
      signedBy('bob', 'group:fleet', 'stop', { reason: 'fleet halt' }),
    );
    expect(submitted).toMatchObject({ target: 'group:fleet', members: 3 });
    const steps = await Promise.all(runs);
    expect(steps.map((step) => step.type === 'halted' && step.reason)).toEqual(['stop', 'stop', 'stop']);
    for (const member of agents) {
      const accepted = await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
      expect(accepted.data).toMatchObject({ signers: ['bob'] });
    }
    await Promise.all(agents.map(({ agent }) => agent.server!.flush()));

    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const listing = await callServer<{ agents: Array<Record<string, unknown>> }>(server.url, '/agents', {
      token: alice,
    });
    expect(listing.agents.map((agent) => [agent.id, agent.status, agent.connected, agent.roles])).toEqual([
      ['agent-1', 'halted', true, ['owner']],
      ['agent-2', 'halted', true, ['owner']],
      ['agent-3', 'halted', true, ['owner']],
    ]);
    const carol = await loginToServer(server.url, 'carol', principals.carol.privateKey);
    const audit = await callServer<{
      events: Array<{ type: string; data: Record<string, unknown> }>;
      verification: unknown;
    }>(server.url, '/agents/agent-2/audit', { token: carol });
    expect(audit.events.some((event) => event.type === 'order-accepted' && event.data.kind === 'stop')).toBe(true);
    expect(audit.events.some((event) => event.type === 'halt')).toBe(true);
    expect(audit.verification).toMatchObject({ status: 'verified' });

    const chain = await server.store.readServerAudit(0, 10_000);
    expect(verifyServerAudit(chain)).toEqual({ ok: true });
    expect(chain.find((entry) => entry.action === 'order-submitted')).toMatchObject({
      data: { target: 'group:fleet', kind: 'stop', signers: ['bob'] },
    });
  });

  it('cannot forge: an order the server alters is rejected by every agent, and nothing happens', async () => {
    const folder = stateFolder();
    const honest = openSqliteServerStore(folder);
    cleanups.push(() => honest.close());
    // The server patched to change each order's body before it streams it, on both paths an order takes.
    const alter = (order: OrderRecord): OrderRecord => {
      const envelope = JSON.parse(order.envelope);
      return { ...order, envelope: JSON.stringify({ ...envelope, body: { reason: 'the server says so' } }) };
    };
    const altering: ServerStore = {
      ...honest,
      ordersFor: async (targets, afterSeq, limit) => (await honest.ordersFor(targets, afterSeq, limit)).map(alter),
      onOrder: (listener) => honest.onOrder((order) => listener(alter(order))),
    };
    const server = await serve({ store: altering });
    const agents = await join3(server);
    await submitEnvelope(server.url, signedBy('bob', 'group:fleet', 'stop', {}));
    for (const member of agents) {
      const rejected = await member.waitForEntry('order-rejected');
      expect(rejected.data).toMatchObject({ reason: 'bad-signature' });
      expect(member.agent.authorityState().stopped).toBeNull();
      expect(member.entries.some((entry) => entry.type === 'order-accepted')).toBe(false);
    }
  });

  it('resumes the stream after a lost server from the last order it received; no order twice, none missed', async () => {
    const stateDir = stateFolder();
    const first = await serve({ stateDir });
    const [member] = await Promise.all([joinAgent({ id: 'agent-1', server: first.url })]);
    cleanups.push(() => closeAgents([member!]));
    await member!.agent.server!.connected();
    await submitEnvelope(first.url, signedBy('bob', 'agent-1', 'stop', {}));
    await member!.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
    const seqBefore = member!.agent.server!.lastSeq();
    expect(seqBefore).toBeGreaterThan(0);
    const opened = async (server: ControlPlaneServer) =>
      (await server.store.readServerAudit(0, 1000)).filter((record) => record.action === 'order-stream-opened').length;
    const openedBefore = await opened(first);
    await first.close();
    const second = await serve({ stateDir, port: first.port });
    // The agent finds the new server by itself: wait (bounded) until its stream is open there.
    for (let tries = 0; ; tries += 1) {
      if ((await opened(second)) > openedBefore) break;
      if (tries > 200) throw new Error('the agent never reopened its order stream on the restarted server');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await member!.agent.server!.connected();
    await submitEnvelope(second.url, signedBy('alice', 'agent-1', 'resume', {}));
    await member!.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    expect(member!.agent.server!.lastSeq()).toBe(seqBefore + 1);
    expect(member!.entries.filter((entry) => entry.type === 'order-rejected')).toEqual([]);
  });

  it('halts on its lease when the server is gone: losing the server never fails open', async () => {
    const server = await serve();
    const member = await joinAgent({
      id: 'agent-1',
      server: server.url,
      modelUrl: model.url,
      charter: { lease: { ttl: '2s' } },
    });
    cleanups.push(() => closeAgents([member]));
    await member.agent.server!.connected();
    await submitEnvelope(server.url, signedBy('bob', 'group:fleet', 'lease'));
    await member.waitForEntry('lease-renewed');
    member.agent.deliver(signedBy('alice', 'agent-1', 'task', { text: 'read notes.txt repeatedly until done' }));
    const run = member.agent.runToEnd();
    await member.waitForEntry('model-call-start');
    await server.close();
    const step = await run;
    expect(step).toMatchObject({ type: 'halted', reason: 'lease-expired' });
    expect(member.entries.some((entry) => entry.type === 'lease-expired')).toBe(true);
  });

  it('lets only principals its charters list log in, and refuses bad requests naming the field, recorded', async () => {
    const server = await serve();
    const [member] = [await joinAgent({ id: 'agent-1', server: server.url })];
    cleanups.push(() => closeAgents([member!]));
    await expect(callServer(server.url, '/agents')).rejects.toThrow(/401.*bearer token/);
    await expect(callServer(server.url, '/agents', { token: 'forged.token' })).rejects.toBeInstanceOf(
      ServerRefusedError,
    );
    await expect(loginToServer(server.url, 'eve', principals.eve.privateKey)).rejects.toThrow(
      /no registered agent's charter lists 'eve'/,
    );
    // Bob's name with Eve's key: the key decides, not the name.
    await expect(loginToServer(server.url, 'bob', principals.eve.privateKey)).rejects.toThrow(/401/);
    const carol = await loginToServer(server.url, 'carol', principals.carol.privateKey);
    await expect(callServer(server.url, '/audit', { token: carol })).rejects.toThrow(/403.*observer/);
    await expect(callServer(server.url, '/agents/nobody/audit', { token: carol })).rejects.toThrow(/404/);

    await expect(
      callServer(server.url, '/agents/agent-1/orders', { method: 'POST', body: '{"v":1,"id":"x"}' }),
    ).rejects.toThrow(/400.*invalid envelope: .*agent/);
    await expect(submitEnvelope(server.url, signedBy('bob', 'group:nowhere', 'stop'))).rejects.toThrow(
      /404.*no registered agent's charter lists group 'nowhere'/,
    );
    await expect(
      callServer(server.url, '/groups/fleet/orders', { method: 'POST', body: signedBy('alice', 'agent-1', 'stop') }),
    ).rejects.toThrow(/400.*names 'group:fleet'/);
    await expect(
      callServer(server.url, '/agents', { method: 'POST', body: JSON.stringify({ registration: { agent: 'x' } }) }),
    ).rejects.toThrow(/400.*invalid agent registration: .*charterHash/);
    await expect(
      callServer(server.url, '/agents/agent-1/orders', { method: 'POST', body: 'x'.repeat(70_000) }),
    ).rejects.toThrow(/413/);

    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const { entries } = await callServer<{ entries: Array<{ action: string; data: Record<string, unknown> }> }>(
      server.url,
      '/audit',
      { token: alice },
    );
    const refused = entries.filter((entry) => entry.action === 'request-refused');
    expect(refused.map((entry) => entry.data.status)).toEqual([401, 401, 401, 401, 403, 404, 400, 404, 400, 400, 413]);
    expect(refused.every((entry) => String(entry.data.detail).length <= 301)).toBe(true);
  });
});
