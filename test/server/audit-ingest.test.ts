// Shipped audit batches over real HTTP: batches from many agents arriving together share one commit, each answered
// for itself; a batch from an agent the server does not know is refused and stores nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { principals, registerSignedAgent, shippedEntry } from './fleet-fixture.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-ingest-'));
let server: ControlPlaneServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(folder, { recursive: true, force: true });
});

const tokens = new Map<string, string>();
const register = async (agent: string) => {
  const { token } = await registerSignedAgent(server!.url, {
    agent,
    charterHash: 'b'.repeat(64),
    groups: ['fleet'],
    principals: [{ id: 'alice', key: principals.alice.publicKeyText, roles: ['owner'] }],
    runId: `run-${agent}`,
  });
  tokens.set(agent, token);
};
const entry = shippedEntry;
const ship = (agent: string, events: unknown[]) =>
  fetch(`${server!.url}/agents/${agent}/audit`, {
    method: 'POST',
    headers: tokens.has(agent) ? { authorization: `Bearer ${tokens.get(agent)}` } : {},
    body: JSON.stringify({ events }),
  });

describe('audit shipping to heed serve', () => {
  it('stores concurrent batches of many agents, each answered with its own count; a stranger is refused', async () => {
    server = await serveControlPlane({ stateDir: folder, port: 0 });
    const agents = Array.from({ length: 20 }, (_, index) => `agent-${index}`);
    for (const agent of agents) await register(agent);

    const responses = await Promise.all([
      ...agents.map((agent) => ship(agent, [entry(agent, 1), entry(agent, 2, 'halt')])),
      ship('stranger', [entry('stranger', 1)]),
      ship(agents[0]!, [entry(agents[0]!, 2, 'halt'), entry(agents[0]!, 3, 'halt')]),
    ]);
    const bodies = await Promise.all(responses.map((response) => response.json()));
    const statuses = responses.map((response) => response.status);
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses[20]).toBe(401);
    expect((bodies[20] as { error: string }).error).toMatch(/agent 'stranger' must send its token/);
    expect(statuses[21]).toBe(200);
    // Whichever of agent-0's two batches committed first, seq 2 is stored once.
    expect((bodies[0] as { added: number }).added + (bodies[21] as { added: number }).added).toBe(3);
    for (const body of bodies.slice(1, 20)) expect(body).toEqual({ added: 2 });

    expect(await server.store.readAgentEvents('stranger', 0, 10)).toEqual([]);
    expect((await server.store.readAgentEvents('agent-7', 0, 10)).map((stored) => stored.entry)).toEqual([
      entry('agent-7', 1),
      entry('agent-7', 2, 'halt'),
    ]);
    expect(await server.store.getAgent('agent-7')).toMatchObject({ status: 'halted' });
    const audit = await server.store.readServerAudit(0, 1000);
    expect(audit.filter((record) => record.action === 'audit-ingested')).toHaveLength(21);
    expect(audit.filter((record) => record.action === 'request-refused')).toMatchObject([
      { actor: 'stranger', data: { status: 401 } },
    ]);
  });
});
