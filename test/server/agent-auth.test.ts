// Agents authenticated to heed serve: a registration signed by the agent's own key over a one-use challenge, the key
// pinned on first registration, agent tokens for one agent and one key, and adversarial attempts at each of them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultAuthorityRules } from '../../src/charter/charter-schema.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { generateKeyPair, type PrincipalKeyPair } from '../../src/core/ed25519.ts';
import {
  type AgentRegistration,
  type AgentRegistrationAnswer,
  signRegistration,
} from '../../src/kernel/fleet/fleet-protocol.ts';
import { tokenTtlMs } from '../../src/server/principal-auth.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer, loginToServer } from '../../src/server/server-client.ts';
import { principals } from './fleet-fixture.ts';
import { readUntil } from './read-until.ts';

const folders: string[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function serve(options: { clock?: ManualClock; allowKeylessAgents?: boolean; keepAliveMs?: number } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'heed-agent-auth-'));
  folders.push(folder);
  const server = await serveControlPlane({ stateDir: folder, port: 0, ...options });
  cleanups.push(() => server.close());
  return server;
}

function registrationOf(agent: string, key: PrincipalKeyPair | null, roster = principals.alice): AgentRegistration {
  return {
    agent,
    publicKey: key === null ? null : key.publicKeyText,
    charterHash: 'c'.repeat(64),
    groups: ['fleet'],
    principals: [{ id: 'alice', key: roster.publicKeyText, roles: ['owner'] }],
    runId: `run-${agent}`,
    authority: defaultAuthorityRules,
  };
}

async function challengeFor(server: ControlPlaneServer, agent: string): Promise<string> {
  const { challenge } = await callServer<{ challenge: string }>(server.url, '/auth/challenge', {
    method: 'POST',
    body: JSON.stringify({ agent }),
  });
  return challenge;
}

/** A registration as an agent makes it: a fresh challenge, signed by `signer` (and by `pinned` for a rotation). */
async function signedRegistration(
  server: ControlPlaneServer,
  registration: AgentRegistration,
  signer: PrincipalKeyPair,
  pinned?: PrincipalKeyPair,
) {
  const challenge = await challengeFor(server, registration.agent);
  return {
    registration,
    challenge,
    signature: signRegistration(signer.privateKey, challenge, registration),
    ...(pinned === undefined
      ? {}
      : { pinnedKeySignature: signRegistration(pinned.privateKey, challenge, registration) }),
  };
}

const register = (server: ControlPlaneServer, body: unknown) =>
  callServer<AgentRegistrationAnswer>(server.url, '/agents', { method: 'POST', body: JSON.stringify(body) });

const entry = (agent: string, seq: number) => ({
  seq,
  at: '2026-01-01T00:00:00.000Z',
  agent,
  type: 'halt' as const,
  data: { reason: 'stop' },
  prev: '0'.repeat(64),
  hash: '1'.repeat(64),
});

const shipAudit = (server: ControlPlaneServer, agent: string, token?: string) =>
  callServer<{ added: number }>(server.url, `/agents/${agent}/audit`, {
    method: 'POST',
    body: JSON.stringify({ events: [entry(agent, 1)] }),
    ...(token === undefined ? {} : { token }),
  });

async function openStream(server: ControlPlaneServer, agent: string, token?: string): Promise<Response> {
  const response = await fetch(`${server.url}/agents/${agent}/orders/stream`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  if (response.ok) await response.body?.cancel();
  return response;
}

describe('agents authenticated to heed serve', () => {
  it('pins the first key, refuses a hijack with another key, and lets the pinned key sign for a rotation', async () => {
    const server = await serve();
    const owner = generateKeyPair();
    const mallory = generateKeyPair();
    const first = await register(server, await signedRegistration(server, registrationOf('agent-1', owner), owner));
    expect(first).toMatchObject({ agent: 'agent-1', resumeAfter: 0 });

    // Mallory signs correctly with her own key and puts herself on the roster: refused, named, nothing changed.
    const hijack = registrationOf('agent-1', mallory, principals.eve);
    await expect(register(server, await signedRegistration(server, hijack, mallory))).rejects.toThrow(
      /409.*'agent-1' is pinned to key .*signed by the pinned key/,
    );
    // Claiming the rotation with a signature of her own as the "pinned" one changes nothing either.
    await expect(register(server, await signedRegistration(server, hijack, mallory, mallory))).rejects.toThrow(
      /409.*pinnedKeySignature does not verify/,
    );
    await expect(loginToServer(server.url, 'eve', principals.eve.privateKey)).rejects.toThrow(/401/);
    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const { agents } = await callServer<{ agents: Array<{ id: string; publicKey: string }> }>(server.url, '/agents', {
      token: alice,
    });
    expect(agents).toMatchObject([{ id: 'agent-1', publicKey: owner.publicKeyText }]);

    // The same key again: in place. A new key signed for by the pinned one: a rotation, and the old token ends.
    await register(server, await signedRegistration(server, registrationOf('agent-1', owner), owner));
    const rotatedKey = generateKeyPair();
    const rotated = await register(
      server,
      await signedRegistration(server, registrationOf('agent-1', rotatedKey), rotatedKey, owner),
    );
    await expect(shipAudit(server, 'agent-1', first.token)).rejects.toThrow(/401.*a key agent 'agent-1' no longer has/);
    expect(await shipAudit(server, 'agent-1', rotated.token)).toEqual({ added: 1 });
    // The old key can no longer register at all.
    await expect(
      register(server, await signedRegistration(server, registrationOf('agent-1', owner), owner)),
    ).rejects.toThrow(/409/);

    const { entries } = await callServer<{ entries: Array<{ action: string; data: Record<string, unknown> }> }>(
      server.url,
      '/audit',
      { token: alice },
    );
    expect(entries.filter((item) => item.action === 'agent-registered').map((item) => item.data.registration)).toEqual([
      'new',
      'same-key',
      'rotated',
    ]);
    expect(
      entries.filter((item) => item.action === 'request-refused' && item.data.status === 409).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('lists the target profile an agent registers, and still registers an agent from before it was sent', async () => {
    const server = await serve();
    const current = generateKeyPair();
    const older = generateKeyPair();
    await register(
      server,
      await signedRegistration(server, { ...registrationOf('agent-1', current), target: 'if-ranked' }, current),
    );
    const olderRegistration = registrationOf('agent-2', older);
    expect(olderRegistration).not.toHaveProperty('target');
    await register(server, await signedRegistration(server, olderRegistration, older));
    // A target that is no profile is refused, naming the field.
    const misnamed = { ...registrationOf('agent-3', current), target: 'if-lats' };
    await expect(
      register(server, await signedRegistration(server, misnamed as AgentRegistration, current)),
    ).rejects.toThrow(/400.*target/);
    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const { agents } = await callServer<{ agents: Array<{ id: string; target: string | null }> }>(
      server.url,
      '/agents',
      { token: alice },
    );
    expect(agents.map(({ id, target }) => ({ id, target }))).toEqual([
      { id: 'agent-1', target: 'if-ranked' },
      { id: 'agent-2', target: null },
    ]);
  });

  it('refuses a replayed registration, a challenge issued to another agent, a bad signature and an unsigned one', async () => {
    const server = await serve();
    const key = generateKeyPair();
    const body = await signedRegistration(server, registrationOf('agent-1', key), key);
    await register(server, body);
    await expect(register(server, body)).rejects.toThrow(/401.*challenge is unknown, used, expired/);

    const elsewhere = await challengeFor(server, 'agent-2');
    const registration = registrationOf('agent-1', key);
    await expect(
      register(server, {
        registration,
        challenge: elsewhere,
        signature: signRegistration(key.privateKey, elsewhere, registration),
      }),
    ).rejects.toThrow(/401.*issued to another agent/);

    // A signature over another registration (the roster changed after signing) does not verify.
    const challenge = await challengeFor(server, 'agent-3');
    const signed = registrationOf('agent-3', key);
    await expect(
      register(server, {
        registration: { ...signed, principals: [{ id: 'eve', key: principals.eve.publicKeyText, roles: ['owner'] }] },
        challenge,
        signature: signRegistration(key.privateKey, challenge, signed),
      }),
    ).rejects.toThrow(/401.*signature does not verify/);
    await expect(register(server, { registration: registrationOf('agent-4', key) })).rejects.toThrow(
      /401.*must carry a challenge/,
    );
  });

  it('takes a keyless agent only when the server allows it, and never over a pinned key', async () => {
    const strict = await serve();
    await expect(register(strict, { registration: registrationOf('agent-1', null) })).rejects.toThrow(
      /401.*without a key.*--allow-keyless-agents/,
    );
    const lenient = await serve({ allowKeylessAgents: true });
    const keyless = await register(lenient, { registration: registrationOf('agent-1', null) });
    expect(await shipAudit(lenient, 'agent-1', keyless.token)).toEqual({ added: 1 });
    const key = generateKeyPair();
    await register(lenient, await signedRegistration(lenient, registrationOf('agent-2', key), key));
    await expect(register(lenient, { registration: registrationOf('agent-2', null) })).rejects.toThrow(
      /409.*keyless registration cannot replace it/,
    );
  });

  it("refuses audit and the order stream without the agent's own live token", async () => {
    const clock = new ManualClock(Date.now());
    const server = await serve({ clock });
    const keyA = generateKeyPair();
    const keyB = generateKeyPair();
    const a = await register(server, await signedRegistration(server, registrationOf('agent-a', keyA), keyA));
    await register(server, await signedRegistration(server, registrationOf('agent-b', keyB), keyB));

    await expect(shipAudit(server, 'agent-b')).rejects.toThrow(/401.*must send its token/);
    await expect(shipAudit(server, 'agent-b', 'forged.token')).rejects.toThrow(/401/);
    await expect(shipAudit(server, 'agent-b', a.token)).rejects.toThrow(/403.*agent 'agent-a''s, not 'agent-b''s/);
    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    await expect(shipAudit(server, 'agent-b', alice)).rejects.toThrow(/401.*not an agent token/);
    expect((await openStream(server, 'agent-b')).status).toBe(401);
    expect((await openStream(server, 'agent-b', a.token)).status).toBe(403);
    expect((await openStream(server, 'agent-a', a.token)).status).toBe(200);
    expect(await shipAudit(server, 'agent-a', a.token)).toEqual({ added: 1 });

    const late = await signedRegistration(server, registrationOf('agent-c', keyA), keyA);
    clock.advance(tokenTtlMs + 1);
    await expect(shipAudit(server, 'agent-a', a.token)).rejects.toThrow(/401.*expired/);
    await expect(register(server, late)).rejects.toThrow(/401.*challenge is unknown, used, expired/);
    expect((await openStream(server, 'agent-a', a.token)).status).toBe(401);
    // A principal's token is no agent's, and the agent's is no principal's.
    await expect(callServer(server.url, '/agents', { token: a.token })).rejects.toThrow(/401/);
  });

  it("takes only checkpoints signed by the agent's pinned key", async () => {
    const server = await serve();
    const key = generateKeyPair();
    const { token } = await register(server, await signedRegistration(server, registrationOf('agent-1', key), key));
    const forged = {
      seq: 10,
      hash: 'a'.repeat(64),
      head: 'b'.repeat(64),
      signature: signRegistration(generateKeyPair().privateKey, 'x', registrationOf('agent-1', key)),
    };
    await expect(
      callServer(server.url, '/agents/agent-1/anchors', { method: 'POST', body: JSON.stringify(forged), token }),
    ).rejects.toThrow(/400.*does not verify with agent 'agent-1''s pinned key/);
    await expect(
      callServer(server.url, '/agents/agent-1/anchors', { method: 'POST', body: JSON.stringify(forged) }),
    ).rejects.toThrow(/401/);
    await expect(
      callServer(server.url, '/agents/agent-1/anchors', { method: 'POST', body: '{"seq":1}', token }),
    ).rejects.toThrow(/400.*invalid checkpoint anchor/);
  });

  it('renews the token over the open order stream, so a connected agent outlives its first token', async () => {
    const clock = new ManualClock(Date.now());
    const server = await serve({ clock, keepAliveMs: 20 });
    const key = generateKeyPair();
    const first = await register(server, await signedRegistration(server, registrationOf('agent-1', key), key));
    let renewedYet = false;
    const renewed = readUntil(server.url, '/agents/agent-1/orders/stream', { token: first.token }, (events) => {
      renewedYet = events.some((event) => event.event === 'token');
      return renewedYet;
    });
    // The stream opens a moment later: time moves on in steps until it has renewed the token.
    for (let step = 0; step < 90 && !renewedYet; step += 1) {
      clock.advance(tokenTtlMs / 100);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const events = await renewed;
    const { token, expiresAt } = JSON.parse(events.find((event) => event.event === 'token')!.data) as {
      token: string;
      expiresAt: string;
    };
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    clock.advance(tokenTtlMs / 2 + 1);
    await expect(shipAudit(server, 'agent-1', first.token)).rejects.toThrow(/401.*expired/);
    expect(await shipAudit(server, 'agent-1', token)).toEqual({ added: 1 });
  });

  it('shows on the live stream that entries shipped with a bad hash break the chain', async () => {
    const server = await serve();
    const key = generateKeyPair();
    const { token } = await register(server, await signedRegistration(server, registrationOf('agent-1', key), key));
    expect(await shipAudit(server, 'agent-1', token)).toEqual({ added: 1 });
    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const events = await readUntil(server.url, '/agents/agent-1/audit/stream', { token: alice }, (seen) =>
      seen.some((event) => event.event === 'verification'),
    );
    expect(JSON.parse(events.find((event) => event.event === 'verification')!.data)).toMatchObject({
      agent: 'agent-1',
      verification: { status: 'broken', seq: 1, detail: 'the hash does not match the entry' },
    });
  });
});
