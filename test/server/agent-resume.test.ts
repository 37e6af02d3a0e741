// Where an agent's order stream starts: after the orders stored before it first registered (no replay of old group
// orders), where it left off when it comes back (its cursor in its state folder, or the server's resume point), and
// an order sent while it was away reaches it. Also its signed checkpoints, shipped, against the shipped chain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatPublicKey, generateKeyPair, publicKeyOf } from '../../src/core/ed25519.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer, loginToServer, submitEnvelope } from '../../src/server/server-client.ts';
import { closeAgents, type FleetAgent, joinAgent, principals, signedBy } from './fleet-fixture.ts';

const folders: string[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'heed-agent-resume-'));
  folders.push(made);
  return made;
}

async function serve(): Promise<{ server: ControlPlaneServer; stateDir: string }> {
  const stateDir = folder();
  const server = await serveControlPlane({ stateDir, port: 0 });
  cleanups.push(() => server.close());
  return { server, stateDir };
}

async function join1(options: Parameters<typeof joinAgent>[0]): Promise<FleetAgent> {
  const member = await joinAgent(options);
  cleanups.push(() => closeAgents([member]));
  await member.agent.server!.connected();
  return member;
}

const orderEntries = (member: FleetAgent) =>
  member.entries.filter((entry) => entry.type === 'order-accepted' || entry.type === 'order-rejected');

describe("an agent's order stream", () => {
  it('starts a new agent after the orders already stored, so old group orders are not replayed to it', async () => {
    const { server } = await serve();
    const first = await join1({ id: 'agent-1', server: server.url });
    await submitEnvelope(server.url, signedBy('bob', 'group:fleet', 'stop'));
    await first.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
    const second = await join1({ id: 'agent-2', server: server.url });
    await submitEnvelope(server.url, signedBy('alice', 'group:fleet', 'resume'));
    await second.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    expect(orderEntries(second).map((entry) => [entry.type, entry.data.kind])).toEqual([['order-accepted', 'resume']]);
  });

  it('hands an agent that comes back the order sent while it was away, and not again the ones it had', async () => {
    const { server } = await serve();
    const agentKey = generateKeyPair().privateKey;
    const stateDir = join(folder(), 'state');
    const before = await join1({ id: 'agent-1', server: server.url, agentKey, stateDir });
    await submitEnvelope(server.url, signedBy('bob', 'agent-1', 'stop'));
    await before.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
    await closeAgents([before]);

    await submitEnvelope(server.url, signedBy('alice', 'agent-1', 'resume'));
    const after = await join1({ id: 'agent-1', server: server.url, agentKey, stateDir });
    await after.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    // The stop was not handed over again (it would be rejected as a replay): the cursor in the state folder held.
    expect(orderEntries(after).map((entry) => [entry.type, entry.data.kind])).toEqual([['order-accepted', 'resume']]);
    expect(after.agent.server!.lastSeq()).toBe(2);
  });

  it('hands an agent in memory that comes back with its key the order sent while it was away', async () => {
    const { server } = await serve();
    await submitEnvelope(server.url, signedBy('bob', 'group:fleet', 'stop')).catch(() => undefined);
    const agentKey = generateKeyPair().privateKey;
    const before = await join1({ id: 'agent-1', server: server.url, agentKey });
    await closeAgents([before]);
    await submitEnvelope(server.url, signedBy('bob', 'agent-1', 'stop'));
    const after = await join1({ id: 'agent-1', server: server.url, agentKey });
    await after.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
    expect(orderEntries(after)).toHaveLength(1);
  });

  it('refuses an agent that comes back with another key, unless its previous key signs for the new one', async () => {
    const { server } = await serve();
    const previousAgentKey = generateKeyPair().privateKey;
    const before = await join1({ id: 'agent-1', server: server.url, agentKey: previousAgentKey });
    await closeAgents([before]);
    const agentKey = generateKeyPair().privateKey;
    await expect(joinAgent({ id: 'agent-1', server: server.url, agentKey })).rejects.toThrow(/409.*pinned to key/);
    const rotated = await join1({ id: 'agent-1', server: server.url, agentKey, previousAgentKey });
    await submitEnvelope(server.url, signedBy('bob', 'agent-1', 'stop'));
    await rotated.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const { agents } = await callServer<{ agents: Array<{ publicKey: string }> }>(server.url, '/agents', {
      token: alice,
    });
    expect(agents[0]!.publicKey).toBe(formatPublicKey(publicKeyOf(agentKey)));
  });
});

describe('checkpoints shipped to the server', () => {
  it('shows the shipped chain reaching the last signed checkpoint, and a cut tail as behind it', async () => {
    const { server, stateDir } = await serve();
    const member = await join1({
      id: 'agent-1',
      server: server.url,
      agentKey: generateKeyPair().privateKey,
      stateDir: join(folder(), 'state'),
      checkpointEvery: 3,
    });
    for (const kind of ['stop', 'resume', 'stop', 'resume'] as const) {
      await submitEnvelope(server.url, signedBy(kind === 'stop' ? 'bob' : 'alice', 'agent-1', kind));
      await member.waitForEntry('order-accepted', (entry) => entry.data.id !== undefined && entry.data.kind === kind);
    }
    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const read = () =>
      callServer<{
        events: Array<{ seq: number; type: string }>;
        verification: { status: string };
        anchor: { status: string; seq?: number; covers?: number };
      }>(server.url, '/agents/agent-1/audit', { token: alice });
    let shown = await read();
    for (let attempt = 0; attempt < 100 && shown.anchor.status !== 'reached'; attempt += 1) {
      await member.agent.server!.flush();
      shown = await read();
    }
    expect(shown.anchor.status).toBe('reached');
    expect(shown.verification.status).toBe('verified');
    expect(shown.events.some((event) => event.type === 'checkpoint')).toBe(true);

    // Someone with the server's database cuts the shipped tail back before the checkpoint: it shows.
    const database = new DatabaseSync(join(stateDir, 'server.db'));
    database.prepare("DELETE FROM agent_events WHERE agent = 'agent-1' AND seq >= ?").run(shown.anchor.covers!);
    database.close();
    expect((await read()).anchor).toMatchObject({ status: 'behind', seq: shown.anchor.seq });
  });
});
