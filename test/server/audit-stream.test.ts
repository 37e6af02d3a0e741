// The live audit streams: one agent's and the fleet's, read with fetch and the token in the Authorization header (as
// the web console reads them), resumable with Last-Event-ID, with the server's chain check as it changes, and only
// the agents the principal may see.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import type { ServerEvent } from '../../src/server/read-server-events.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { loginToServer, submitEnvelope } from '../../src/server/server-client.ts';
import { closeAgents, type FleetAgent, joinAgent, principals, signedBy } from './fleet-fixture.ts';
import { readUntil } from './read-until.ts';

const folders: string[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function serve(): Promise<ControlPlaneServer> {
  const stateDir = mkdtempSync(join(tmpdir(), 'heed-audit-stream-'));
  folders.push(stateDir);
  const server = await serveControlPlane({ stateDir, port: 0 });
  cleanups.push(() => server.close());
  return server;
}

async function join1(options: Parameters<typeof joinAgent>[0]): Promise<FleetAgent> {
  const member = await joinAgent(options);
  cleanups.push(() => closeAgents([member]));
  await member.agent.server!.connected();
  return member;
}

const entriesOf = (events: readonly ServerEvent[]) =>
  events
    .filter((event) => event.event === 'entry')
    .map((event) => JSON.parse(event.data) as { agent: string; entry: { seq: number; type: string } });

describe('live audit streams', () => {
  it("streams one agent's shipped entries as they arrive, with its chain check, and resumes after the last id", async () => {
    const server = await serve();
    const member = await join1({ id: 'agent-1', server: server.url, agentKey: generateKeyPair().privateKey });
    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const path = '/agents/agent-1/audit/stream';
    // Opened before anything was shipped: the stream says it is live, then entries arrive as the agent ships them.
    const reading = readUntil(
      server.url,
      path,
      { token: alice },
      (events) =>
        entriesOf(events).some((item) => item.entry.type === 'order-accepted') &&
        events.some((event) => event.event === 'verification'),
    );
    await submitEnvelope(server.url, signedBy('bob', 'agent-1', 'stop'));
    await member.waitForEntry('order-accepted');
    await member.agent.server!.flush();
    const events = await reading;
    expect(events.some((event) => event.event === 'live')).toBe(true);
    const verification = events.find((event) => event.event === 'verification');
    expect(JSON.parse(verification!.data)).toMatchObject({
      agent: 'agent-1',
      verification: { status: 'verified' },
      anchor: { status: 'none' },
    });
    const first = entriesOf(events);
    expect(first.every((item) => item.agent === 'agent-1')).toBe(true);

    // Resumed after the last id seen: only what came after.
    const lastId = events.filter((event) => event.event === 'entry').at(-1)!.id!;
    await submitEnvelope(server.url, signedBy('alice', 'agent-1', 'resume'));
    await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    await member.agent.server!.flush();
    const resumed = await readUntil(server.url, path, { token: alice, lastEventId: lastId }, (seen) =>
      entriesOf(seen).some((item) => item.entry.type === 'order-accepted'),
    );
    const again = entriesOf(resumed);
    expect(again[0]!.entry.seq).toBeGreaterThan(first.at(-1)!.entry.seq);
    expect(resumed.every((event) => event.event !== 'entry' || Number(event.id) > Number(lastId))).toBe(true);
  });

  it('streams the fleet: every agent the principal may see, and no other', async () => {
    const server = await serve();
    const mine = await join1({ id: 'agent-1', server: server.url });
    const theirs = await join1({
      id: 'agent-2',
      server: server.url,
      charter: { principals: [{ id: 'eve', key: principals.eve.publicKeyText, roles: ['owner'] }] },
    });
    await submitEnvelope(server.url, signedBy('eve', 'agent-2', 'stop'));
    await theirs.waitForEntry('order-accepted');
    await submitEnvelope(server.url, signedBy('bob', 'agent-1', 'stop'));
    await mine.waitForEntry('order-accepted');
    await Promise.all([mine.agent.server!.flush(), theirs.agent.server!.flush()]);
    const carol = await loginToServer(server.url, 'carol', principals.carol.privateKey);
    const events = await readUntil(server.url, '/audit/stream', { token: carol }, (seen) =>
      seen.some((event) => event.event === 'live'),
    );
    const agents = new Set(entriesOf(events).map((item) => item.agent));
    expect(agents).toEqual(new Set(['agent-1']));
    const eve = await loginToServer(server.url, 'eve', principals.eve.privateKey);
    const hers = await readUntil(server.url, '/audit/stream', { token: eve }, (seen) =>
      seen.some((event) => event.event === 'live'),
    );
    expect(new Set(entriesOf(hers).map((item) => item.agent))).toEqual(new Set(['agent-2']));
    // An agent the principal has no role on does not exist for it; without a token nothing streams.
    await expect(readUntil(server.url, '/agents/agent-2/audit/stream', { token: carol }, () => true)).rejects.toThrow(
      /404/,
    );
    await expect(readUntil(server.url, '/audit/stream', { token: 'forged.token' }, () => true)).rejects.toThrow(/401/);
    await expect(
      readUntil(server.url, '/audit/stream', { token: carol, lastEventId: 'yesterday' }, () => true),
    ).rejects.toThrow(/400.*feed position/);
  });
});
