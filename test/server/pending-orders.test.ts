// Pending orders over real HTTP: a 2-of-3 quorum gathered through the server, which refuses forged, foreign and
// ineligible co-signatures, another principal's signature, expired and replayed orders and malformed bodies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/authority/envelope.ts';
import { cosignEnvelope, signOrder } from '../../src/authority/sign-envelope.ts';
import { verifyEnvelope } from '../../src/authority/verify-envelope.ts';
import type { OrderKind } from '../../src/charter/charter-schema.ts';
import { parseCharter } from '../../src/charter/load-charter.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import type { PendingOrder } from '../../src/server/api-schemas.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer, loginToServer, ServerRefusedError } from '../../src/server/server-client.ts';
import { openPostgresServerStore } from '../../src/server/store/postgres-server-store.ts';
import { postgresTestsOff, postgresTestUrl, requirePostgres } from '../helpers/postgres.ts';

const keys = {
  alice: generateKeyPair(),
  bob: generateKeyPair(),
  carol: generateKeyPair(),
  dana: generateKeyPair(),
  eve: generateKeyPair(),
};
type Name = keyof typeof keys;
const clock = new ManualClock(Date.now());
let folder: string;
let server: ControlPlaneServer;
const tokens = new Map<Name, string>();

const roster = [
  { id: 'alice', key: keys.alice.publicKeyText, roles: ['owner'] },
  { id: 'bob', key: keys.bob.publicKeyText, roles: ['owner'] },
  { id: 'carol', key: keys.carol.publicKeyText, roles: ['owner'] },
  { id: 'dana', key: keys.dana.publicKeyText, roles: ['observer'] },
];
const charter1 = parseCharter({ agent: 'agent-1', target: 'if-ranked', groups: ['fleet'], principals: roster });

async function register(agent: string, principals: typeof roster, extra: Record<string, unknown> = {}) {
  await callServer(server.url, '/agents', {
    method: 'POST',
    body: JSON.stringify({
      agent,
      publicKey: null,
      charterHash: 'a'.repeat(64),
      groups: ['fleet'],
      principals,
      runId: `run-${agent}`,
      ...extra,
    }),
  });
}

function sign(signer: Name, agent: string, kind: OrderKind, options: { ttlMs?: number; body?: object } = {}): Envelope {
  return signOrder({
    principal: signer,
    privateKey: keys[signer].privateKey,
    agent,
    kind,
    body: { ...options.body },
    now: clock.now(),
    ttlMs: options.ttlMs ?? 10 * 60_000,
  });
}

/** The signature `signer` adds to an envelope (as `heed order cosign` makes it), signed with `key`'s private key. */
function signatureBy(envelope: Envelope, signer: string, key: Name = signer as Name) {
  return cosignEnvelope(envelope, { principal: signer, privateKey: keys[key].privateKey }).sigs.at(-1)!;
}

async function as<T>(who: Name, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  return callServer<T>(server.url, path, {
    token: tokens.get(who)!,
    ...(init.method === undefined ? {} : { method: init.method }),
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServerRefusedError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected the server to refuse');
}

const backends = [
  { name: 'node:sqlite', skip: false, open: async () => undefined },
  {
    name: 'PostgreSQL',
    skip: postgresTestsOff,
    open: async () => {
      await requirePostgres();
      schema = `heed_pending_${process.pid}`;
      return openPostgresServerStore({ connectionString: postgresTestUrl, schema, pollMs: 50 });
    },
  },
];
let schema: string | undefined;

for (const backend of backends) {
  describe.skipIf(backend.skip)(`pending orders on ${backend.name}`, () => {
    beforeAll(async () => {
      folder = mkdtempSync(join(tmpdir(), 'heed-pending-'));
      const store = await backend.open();
      server = await serveControlPlane({ stateDir: folder, port: 0, clock, ...(store === undefined ? {} : { store }) });
      await register('agent-1', roster);
      // agent-2 is eve's alone: nobody else sees it, and eve sees nothing of agent-1.
      await register('agent-2', [{ id: 'eve', key: keys.eve.publicKeyText, roles: ['owner'] }], { groups: [] });
      for (const name of Object.keys(keys) as Name[]) {
        tokens.set(name, await loginToServer(server.url, name, keys[name].privateKey));
      }
    });
    afterAll(async () => {
      await server.close();
      if (backend.name === 'PostgreSQL') {
        await server.store.close();
        const client = new pg.Client({ connectionString: postgresTestUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
      rmSync(folder, { recursive: true, force: true });
    });

    it('gathers a 2-of-3 resume and submits it the moment the quorum is met, as an envelope the agent accepts', async () => {
      const proposed = sign('alice', 'agent-1', 'resume');
      const { pending } = await as<{ pending: PendingOrder }>('alice', '/pending-orders', {
        method: 'POST',
        body: proposed,
      });
      expect(pending).toMatchObject({
        id: proposed.id,
        target: 'agent-1',
        kind: 'resume',
        signers: ['alice'],
        required: { roles: ['owner'], quorum: 'majority', eligible: ['alice', 'bob', 'carol'], needed: 2 },
        missing: ['bob', 'carol'],
        proposedBy: 'alice',
        expiresAt: proposed.expiresAt,
        status: 'pending',
      });
      expect(pending.seq).toBeUndefined();

      // Everyone on agent-1 sees it, the observer too; eve, on agent-2 only, sees nothing of it.
      const listed = await as<{ pending: PendingOrder[] }>('dana', '/pending-orders');
      expect(listed.pending.map((order) => order.id)).toContain(proposed.id);
      expect((await as<{ pending: PendingOrder[] }>('eve', '/pending-orders')).pending).toEqual([]);
      expect(await refusal(as('eve', `/pending-orders/${proposed.id}`))).toMatchObject({ status: 404 });

      // A forged co-signature (bob's name, eve's key), an observer's, and bob posting carol's: all refused.
      const path = `/pending-orders/${proposed.id}/signatures`;
      expect(await refusal(as('bob', path, { method: 'POST', body: signatureBy(proposed, 'bob', 'eve') }))).toEqual({
        status: 400,
        message: expect.stringMatching(/signature of 'bob' does not verify/),
      });
      expect(await refusal(as('dana', path, { method: 'POST', body: signatureBy(proposed, 'dana') }))).toEqual({
        status: 400,
        message: expect.stringMatching(/'dana' holds no role that may sign 'resume'/),
      });
      expect(await refusal(as('bob', path, { method: 'POST', body: signatureBy(proposed, 'carol') }))).toEqual({
        status: 403,
        message: expect.stringMatching(/principal is 'carol', but you are 'bob'/),
      });
      expect(await refusal(as('alice', path, { method: 'POST', body: signatureBy(proposed, 'alice') }))).toEqual({
        status: 400,
        message: expect.stringMatching(/'alice' has signed pending order .* already/),
      });
      const unchanged = await as<{ pending: PendingOrder }>('alice', `/pending-orders/${proposed.id}`);
      expect(unchanged.pending).toMatchObject({ signers: ['alice'], status: 'pending' });

      const cosigned = await as<{ pending: PendingOrder; submitted: { seq: number } }>('bob', path, {
        method: 'POST',
        body: signatureBy(proposed, 'bob'),
      });
      expect(cosigned.pending).toMatchObject({ signers: ['alice', 'bob'], missing: ['carol'], status: 'submitted' });
      expect(cosigned.pending.seq).toBe(cosigned.submitted.seq);
      const [order] = await server.store.ordersFor(['agent-1'], cosigned.submitted.seq - 1, 1);
      expect(order).toMatchObject({ envelopeId: proposed.id, kind: 'resume', submittedBy: 'bob' });
      const verification = verifyEnvelope(order!.envelope, {
        charter: charter1,
        now: clock.now(),
        isSeen: () => false,
      });
      expect(verification).toMatchObject({ accepted: true, signers: ['alice', 'bob'] });

      // Replays: proposing it again, submitting it again, co-signing it again.
      expect(
        await refusal(as('alice', '/pending-orders', { method: 'POST', body: cosigned.pending.envelope })),
      ).toMatchObject({ status: 409, message: expect.stringMatching(/already submitted/) });
      expect(await refusal(as('alice', `/pending-orders/${proposed.id}/submit`, { method: 'POST' }))).toMatchObject({
        status: 409,
        message: expect.stringMatching(/is submitted/),
      });
      expect(await refusal(as('carol', path, { method: 'POST', body: signatureBy(proposed, 'carol') }))).toMatchObject({
        status: 409,
      });

      const audit = await as<{ entries: Array<{ actor: string; action: string }> }>('alice', '/audit');
      const actions = audit.entries.map((entry) => `${entry.actor} ${entry.action}`);
      expect(actions).toEqual(
        expect.arrayContaining([
          'alice pending-order-proposed',
          'dana pending-orders-listed',
          'bob pending-order-cosigned',
          'bob order-submitted',
          'bob pending-order-submitted',
        ]),
      );
      expect(audit.entries.some((entry) => entry.action === 'request-refused')).toBe(true);
    });

    it('refuses a proposal signed by a stranger, twice by one principal, by an observer, or from a stranger', async () => {
      const post = (who: Name, body: unknown) => as(who, '/pending-orders', { method: 'POST', body });
      const strangerResume = cosignEnvelope(sign('alice', 'agent-1', 'resume'), {
        principal: 'eve',
        privateKey: keys.eve.privateKey,
      });
      expect(await refusal(post('alice', strangerResume))).toEqual({
        status: 400,
        message: expect.stringMatching(/signer 'eve' is not in the roster of agent-1/),
      });
      const twice = sign('alice', 'agent-1', 'resume');
      expect(await refusal(post('alice', { ...twice, sigs: [twice.sigs[0], twice.sigs[0]] }))).toMatchObject({
        status: 400,
        message: expect.stringMatching(/'alice' signed twice/),
      });
      const forged = sign('alice', 'agent-1', 'resume');
      expect(await refusal(post('bob', { ...forged, body: { note: 'altered' } }))).toMatchObject({ status: 400 });
      expect(await refusal(post('dana', sign('alice', 'agent-1', 'resume')))).toMatchObject({
        status: 403,
        message: expect.stringMatching(/needs a role other than observer/),
      });
      expect(await refusal(post('eve', sign('alice', 'agent-1', 'resume')))).toMatchObject({ status: 404 });
      expect(await refusal(post('alice', sign('alice', 'agent-9', 'resume')))).toMatchObject({ status: 404 });
      const claim = sign('alice', 'agent-1', 'claim', { body: { for: 'bob' } });
      expect(await refusal(post('alice', claim))).toMatchObject({
        status: 400,
        message: expect.stringMatching(/succession/),
      });
      const task = sign('alice', 'group:fleet', 'task', { body: { text: 'x' } });
      expect(await refusal(post('alice', task))).toMatchObject({
        status: 400,
        message: expect.stringMatching(/group/),
      });
      const pending = sign('alice', 'agent-1', 'resume');
      await post('alice', pending);
      expect(await refusal(post('alice', pending))).toMatchObject({
        status: 409,
        message: expect.stringMatching(/exists/),
      });
      expect(
        await refusal(callServer(server.url, '/pending-orders', { method: 'POST', body: JSON.stringify(pending) })),
      ).toMatchObject({ status: 401 });
    });

    it('answers malformed bodies with 400 naming what is wrong', async () => {
      const post = (path: string, body: string) => as('alice', path, { method: 'POST', body });
      expect(await refusal(post('/pending-orders', 'not json'))).toMatchObject({
        status: 400,
        message: expect.stringMatching(/envelope is not JSON/),
      });
      const { sigs: _sigs, ...unsigned } = sign('alice', 'agent-1', 'resume');
      expect(await refusal(post('/pending-orders', JSON.stringify(unsigned)))).toMatchObject({
        status: 400,
        message: expect.stringMatching(/invalid envelope: sigs/),
      });
      const open = sign('alice', 'agent-1', 'resume');
      await as('alice', '/pending-orders', { method: 'POST', body: open });
      const path = `/pending-orders/${open.id}/signatures`;
      expect(await refusal(post(path, '{"principal":"alice"}'))).toMatchObject({
        status: 400,
        message: expect.stringMatching(/invalid signature: alg/),
      });
      expect(
        await refusal(post(path, JSON.stringify({ principal: 'alice', alg: 'ed25519', sig: 'short', extra: 1 }))),
      ).toMatchObject({ status: 400, message: expect.stringMatching(/sig: must be the unpadded base64url/) });
      expect(
        await refusal(post('/pending-orders/no-such-order/signatures', JSON.stringify(signatureBy(open, 'alice')))),
      ).toMatchObject({ status: 404 });
    });

    it('shows an expired order expired and refuses to co-sign or submit it', async () => {
      const shortLived = sign('alice', 'agent-1', 'resume', { ttlMs: 60_000 });
      await as('alice', '/pending-orders', { method: 'POST', body: shortLived });
      clock.advance(61_000);
      const { pending } = await as<{ pending: PendingOrder }>('bob', `/pending-orders/${shortLived.id}`);
      expect(pending.status).toBe('expired');
      const cosign = as('bob', `/pending-orders/${shortLived.id}/signatures`, {
        method: 'POST',
        body: signatureBy(shortLived, 'bob'),
      });
      expect(await refusal(cosign)).toMatchObject({ status: 409, message: expect.stringMatching(/expired at/) });
      expect(await refusal(as('bob', `/pending-orders/${shortLived.id}/submit`, { method: 'POST' }))).toMatchObject({
        status: 409,
        message: expect.stringMatching(/expired at/),
      });
      // An envelope already expired when proposed is refused outright.
      const stale = sign('alice', 'agent-1', 'resume', { ttlMs: 60_000 });
      clock.advance(61_000);
      expect(await refusal(as('alice', '/pending-orders', { method: 'POST', body: stale }))).toMatchObject({
        status: 400,
        message: expect.stringMatching(/expired at/),
      });
    });

    it('submits on request below quorum (the agent decides), and lets the proposer or an owner withdraw', async () => {
      const early = sign('alice', 'agent-1', 'resume');
      await as('alice', '/pending-orders', { method: 'POST', body: early });
      expect(await refusal(as('dana', `/pending-orders/${early.id}/submit`, { method: 'POST' }))).toMatchObject({
        status: 403,
      });
      const submitted = await as<{ seq: number; target: string; id: string; pending: PendingOrder }>(
        'carol',
        `/pending-orders/${early.id}/submit`,
        { method: 'POST' },
      );
      expect(submitted).toMatchObject({ target: 'agent-1', id: early.id, pending: { status: 'submitted' } });
      expect(submitted.pending.seq).toBe(submitted.seq);
      expect((await server.store.findOrder(early.id))?.seq).toBe(submitted.seq);

      const withdrawn = sign('bob', 'agent-1', 'resume');
      await as('bob', '/pending-orders', { method: 'POST', body: withdrawn });
      expect(await refusal(as('dana', `/pending-orders/${withdrawn.id}`, { method: 'DELETE' }))).toMatchObject({
        status: 403,
        message: expect.stringMatching(/proposer 'bob' or an owner/),
      });
      const gone = await as<{ pending: PendingOrder }>('bob', `/pending-orders/${withdrawn.id}`, { method: 'DELETE' });
      expect(gone.pending.status).toBe('withdrawn');
      expect(
        await refusal(
          as('alice', `/pending-orders/${withdrawn.id}/signatures`, {
            method: 'POST',
            body: signatureBy(withdrawn, 'alice'),
          }),
        ),
      ).toMatchObject({ status: 409, message: expect.stringMatching(/is withdrawn/) });
      expect(await server.store.findOrder(withdrawn.id)).toBeUndefined();
    });

    it('submits once when two co-signatures that each meet the quorum arrive together', async () => {
      const proposed = sign('alice', 'agent-1', 'resume');
      await as('alice', '/pending-orders', { method: 'POST', body: proposed });
      const path = `/pending-orders/${proposed.id}/signatures`;
      const answers = await Promise.allSettled([
        as('bob', path, { method: 'POST', body: signatureBy(proposed, 'bob') }),
        as('carol', path, { method: 'POST', body: signatureBy(proposed, 'carol') }),
      ]);
      expect(answers.filter((answer) => answer.status === 'fulfilled')).not.toHaveLength(0);
      const orders = (await server.store.ordersFor(['agent-1'], 0, 1000)).filter(
        (order) => order.envelopeId === proposed.id,
      );
      expect(orders).toHaveLength(1);
      const { pending } = await as<{ pending: PendingOrder }>('alice', `/pending-orders/${proposed.id}`);
      expect(pending).toMatchObject({ status: 'submitted', seq: orders[0]!.seq });
    });

    it("holds a group order to the strictest member's rule", async () => {
      // agent-3 resumes on any one owner; agent-1 on a majority of three: the group needs two.
      await register('agent-3', roster, { authority: { resume: { roles: ['owner'], quorum: 1 } } });
      const proposed = sign('alice', 'group:fleet', 'resume');
      const { pending } = await as<{ pending: PendingOrder }>('alice', '/pending-orders', {
        method: 'POST',
        body: proposed,
      });
      expect(pending).toMatchObject({ target: 'group:fleet', required: { needed: 2 }, missing: ['bob', 'carol'] });
      const cosigned = await as<{ pending: PendingOrder; submitted?: { seq: number } }>(
        'carol',
        `/pending-orders/${proposed.id}/signatures`,
        { method: 'POST', body: signatureBy(proposed, 'carol') },
      );
      expect(cosigned.submitted?.seq).toBeGreaterThan(0);
      expect((await server.store.findOrder(proposed.id))?.target).toBe('group:fleet');
    });
  });
}
