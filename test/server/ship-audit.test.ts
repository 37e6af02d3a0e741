// An agent's audit shipping yields to order handling: while an order from the stream is being taken (verified and
// committed to the agent's own log), no shipment goes out; once it is committed, the queued entries are shipped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import type { Delivery } from '../../src/kernel/deliver-order.ts';
import { agentRegistrationSchema } from '../../src/kernel/fleet/fleet-protocol.ts';
import { joinServer } from '../../src/kernel/fleet/join-server.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { submitEnvelope } from '../../src/server/server-client.ts';
import { principals, shippedEntry, signedBy } from './fleet-fixture.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-ship-'));
let server: ControlPlaneServer | undefined;
afterAll(async () => {
  await server?.close();
  rmSync(folder, { recursive: true, force: true });
});

const entry = (seq: number): AuditEntry => shippedEntry('agent-1', seq);

describe('audit shipping from a joined agent', () => {
  it('ships nothing while an order is being taken, and ships the queue once it is committed', async () => {
    server = await serveControlPlane({ stateDir: folder, port: 0 });
    const agentKey = generateKeyPair();
    let ship: ((entry: AuditEntry) => void) | undefined;
    const delivering = Promise.withResolvers<string>();
    const commit = Promise.withResolvers<void>();
    const connection = await joinServer({
      url: server.url,
      registration: agentRegistrationSchema.parse({
        agent: 'agent-1',
        publicKey: agentKey.publicKeyText,
        charterHash: 'c'.repeat(64),
        groups: ['fleet'],
        principals: [{ id: 'alice', key: principals.alice.publicKeyText, roles: ['owner'] }],
        runId: 'run-1',
      }),
      agentKey: agentKey.privateKey,
      // The agent's side of an order: held until the test lets its commit happen.
      deliver: async (text): Promise<Delivery> => {
        delivering.resolve(text);
        await commit.promise;
        return { accepted: false, reason: 'replayed', detail: 'held by the test', id: null };
      },
      onEvent: (listener) => {
        ship = listener;
        return () => {
          ship = undefined;
        };
      },
      shipEveryMs: 10,
    });
    await connection.connected();
    ship!(entry(1));
    await connection.flush();
    expect((await server.store.readAgentEvents('agent-1', 0, 10)).map((stored) => stored.seq)).toEqual([1]);

    const stop = signedBy('alice', 'agent-1', 'stop');
    await submitEnvelope(server.url, stop);
    expect(await delivering.promise).toBe(stop);
    ship!(entry(2));
    let flushed = false;
    const flushing = connection.flush().then(() => {
      flushed = true;
    });
    // Many shipping intervals pass with the order still being taken: nothing is shipped.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(flushed).toBe(false);
    expect((await server.store.readAgentEvents('agent-1', 0, 10)).map((stored) => stored.seq)).toEqual([1]);

    commit.resolve();
    await flushing;
    expect((await server.store.readAgentEvents('agent-1', 0, 10)).map((stored) => stored.seq)).toEqual([1, 2]);
    await connection.close();
  });
});
