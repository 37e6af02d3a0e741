// What an agent joined to a server ships: its whole log, from the entry recorded before it joined, and every entry
// recorded after a flush found nothing to ship.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { closeAgents, type FleetAgent, joinAgent, signedBy } from './fleet-fixture.ts';

let folder: string;
let server: ControlPlaneServer;
let member: FleetAgent;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'heed-join-ships-'));
  server = await serveControlPlane({ stateDir: join(folder, 'server'), port: 0 });
  member = await joinAgent({ id: 'agent-1', server: server.url });
  await member.agent.server!.connected();
});
afterAll(async () => {
  await closeAgents([member]);
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

/** The server's copy of the agent's log: sequence numbers and types. */
async function onServer(): Promise<string[]> {
  return (await server.store.readAgentEvents('agent-1', 0, 100)).map(
    (event) => `${event.seq} ${String(event.entry.type)}`,
  );
}

/** Polls the server's copy until `count` entries are there; gives up (and fails) long after any shipment. */
async function untilShipped(count: number): Promise<string[]> {
  for (let polls = 0; polls < 500; polls += 1) {
    const shipped = await onServer();
    if (shipped.length >= count) return shipped;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return onServer();
}

describe('an agent joined to a server', () => {
  it('ships its log from the first entry, recorded before it joined', async () => {
    await member.agent.server!.flush();
    expect(await onServer()).toEqual(['1 run-started']);
  });

  it('ships what it records after a flush that had nothing to ship, without another flush', async () => {
    await member.agent.server!.flush();
    expect(member.agent.deliver(signedBy('alice', 'agent-1', 'stop')).accepted).toBe(true);
    await member.waitForEntry('halt');
    expect(await untilShipped(4)).toEqual(['1 run-started', '2 order-accepted', '3 stop-started', '4 halt']);
  });

  it('ships on close the checkpoint that seals its log, and anchors it on the server', async () => {
    const closing = await joinAgent({ id: 'agent-2', server: server.url });
    await closing.agent.server!.connected();
    await closeAgents([closing]);
    const shipped = await server.store.readAgentEvents('agent-2', 0, 100);
    const last = shipped.at(-1)!;
    expect(last.entry.type).toBe('checkpoint');
    expect((await server.store.getAgent('agent-2'))?.anchor).toMatchObject({ seq: last.seq, hash: last.entry.hash });
  });
});
