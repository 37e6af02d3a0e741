import type { Hono } from 'hono';
import {
  type Envelope,
  type EnvelopeSignature,
  envelopeSchema,
  envelopeSignatureSchema,
  maxEnvelopeBytes,
} from '../authority/envelope.ts';
import { orderBodySchemas } from '../authority/order-bodies.ts';
import { envelopeSigningBytes } from '../authority/sign-envelope.ts';
import { groupAddressPrefix, groupOrderKinds } from '../authority/verify-envelope.ts';
import type { RuledOrderKind } from '../charter/charter-schema.ts';
import { parsePublicKey, verifyBytes } from '../core/ed25519.ts';
import { describeIssues } from '../core/parse-with-schema.ts';
import type { PendingOrder } from './api-schemas.ts';
import { type OrderRule, orderRule } from './order-rule.ts';
import { observerRole, rolesOn, type Session } from './principal-auth.ts';
import { parseBody, RequestError } from './request-error.ts';
import type { ServerRoutes } from './server-routes.ts';
import type { AgentRecord, PendingOrderRecord } from './store/server-store.ts';

/** The most pending orders one listing shows (newest first). */
const maxListed = 500;
/** How often a co-signature or submission re-reads a pending order another request changed meanwhile. */
const maxAttempts = 5;

/**
 * Pending orders: a principal proposes a partly signed envelope, others co-sign it, and once the registered rule is
 * met (or on request) the server submits it as an ordinary order. The server checks each signature against the
 * registered keys so nobody gathers signatures the agents would refuse; the agents still verify everything.
 */
export function registerPendingOrderRoutes(app: Hono, routes: ServerRoutes): void {
  const { store, log } = routes;

  /** The agents an order to `target` reaches: the agent, or the group's members. */
  const targetAgents = async (target: string): Promise<AgentRecord[]> => {
    if (target.startsWith(groupAddressPrefix)) {
      const group = target.slice(groupAddressPrefix.length);
      return (await store.listAgents()).filter((agent) => agent.groups.includes(group));
    }
    const agent = await store.getAgent(target);
    return agent === undefined ? [] : [agent];
  };
  const rolesOnTarget = (agents: readonly AgentRecord[], who: Session): string[] | undefined => {
    const held = agents.flatMap((agent) => rolesOn(agent, who) ?? []);
    return agents.some((agent) => rolesOn(agent, who) !== undefined) ? [...new Set(held)] : undefined;
  };
  /** The pending order with its target's agents, if the session may see it; else refused as absent. */
  const visiblePending = async (id: string, who: Session) => {
    const record = await store.getPendingOrder(id);
    const agents = record === undefined ? [] : await targetAgents(record.target);
    const roles = rolesOnTarget(agents, who);
    if (record === undefined || roles === undefined)
      throw new RequestError(404, `no pending order '${id}' you may see`);
    return { record, agents, roles };
  };
  const view = (record: PendingOrderRecord, agents: readonly AgentRecord[]): PendingOrder => {
    const envelope = JSON.parse(record.envelope) as Envelope;
    const signers = signersOf(envelope);
    const { required } = orderRule(agents, record.kind as RuledOrderKind);
    const expired = record.status === 'pending' && routes.clock.now() >= Date.parse(record.expiresAt);
    return {
      id: record.id,
      target: record.target,
      kind: record.kind,
      envelope,
      signers,
      required,
      missing: required.eligible.filter((principal) => !signers.includes(principal)),
      proposedBy: record.proposedBy,
      proposedAt: record.proposedAt,
      expiresAt: record.expiresAt,
      status: expired ? 'expired' : record.status,
      ...(record.seq === null ? {} : { seq: record.seq }),
    };
  };
  /** Refuses a pending order that can no longer change: submitted, withdrawn or expired. */
  const requireOpen = (record: PendingOrderRecord) => {
    if (record.status !== 'pending') throw new RequestError(409, `pending order '${record.id}' is ${record.status}`);
    if (routes.clock.now() >= Date.parse(record.expiresAt)) {
      throw new RequestError(409, `pending order '${record.id}' expired at ${record.expiresAt}`);
    }
  };
  const requireActor = (roles: readonly string[], what: string) => {
    if (!roles.some((role) => role !== observerRole)) {
      throw new RequestError(403, `${what} needs a role other than observer on the target`);
    }
  };
  /**
   * Claims the pending order for submission (so two requests never submit it twice), submits it on the ordinary
   * path, then records its sequence number. A submission that fails leaves it pending again.
   */
  const submitPending = async (record: PendingOrderRecord, authorization: string | undefined) => {
    const claimed = await store.changePendingOrder(record.id, record.version, {
      envelope: record.envelope,
      status: 'submitted',
      seq: null,
    });
    if (claimed === undefined) return undefined;
    const envelope = JSON.parse(record.envelope) as Envelope;
    try {
      const order = await routes.submit(envelope, record.envelope, authorization);
      const done = await store.changePendingOrder(record.id, claimed.version, {
        envelope: record.envelope,
        status: 'submitted',
        seq: order.seq,
      });
      return { order, record: done ?? { ...claimed, seq: order.seq } };
    } catch (error) {
      await store.changePendingOrder(record.id, claimed.version, {
        envelope: record.envelope,
        status: 'pending',
        seq: null,
      });
      throw error;
    }
  };

  app.post('/pending-orders', routes.envelopeLimit, async (context) => {
    const who = routes.session(context.req.header('authorization'));
    const envelope = parseBody(await context.req.text(), envelopeSchema, 'envelope');
    if (envelope.kind === 'claim' || envelope.kind === 'veto') {
      throw new RequestError(
        400,
        `envelope field kind '${envelope.kind}' is decided by the charter's succession entries, not by a quorum: send it as an order`,
      );
    }
    const body = orderBodySchemas[envelope.kind].safeParse(envelope.body);
    if (!body.success) {
      throw new RequestError(
        400,
        `invalid envelope: ${describeIssues(body.error)
          .map((issue) => `body.${issue}`)
          .join('; ')}`,
      );
    }
    if (!(Date.parse(envelope.expiresAt) > Date.parse(envelope.issuedAt))) {
      throw new RequestError(400, 'invalid envelope: expiresAt must be later than issuedAt');
    }
    if (routes.clock.now() >= Date.parse(envelope.expiresAt)) {
      throw new RequestError(400, `envelope expired at ${envelope.expiresAt}`);
    }
    const isGroup = envelope.agent.startsWith(groupAddressPrefix);
    if (isGroup && !groupOrderKinds.has(envelope.kind)) {
      throw new RequestError(
        400,
        `envelope field kind '${envelope.kind}' cannot go to a group; only ${[...groupOrderKinds].join(', ')} can`,
      );
    }
    const agents = await targetAgents(envelope.agent);
    const roles = rolesOnTarget(agents, who);
    if (roles === undefined) {
      throw new RequestError(404, `no ${isGroup ? 'group' : 'agent'} '${envelope.agent}' you may see`);
    }
    requireActor(roles, 'proposing an order');
    const rule = orderRule(agents, envelope.kind);
    const seen = new Set<string>();
    for (const signature of envelope.sigs) {
      if (seen.has(signature.principal)) {
        throw new RequestError(400, `sigs: '${signature.principal}' signed twice; each principal signs once`);
      }
      seen.add(signature.principal);
      checkSignature(envelope, signature, agents, rule);
    }
    const text = JSON.stringify(envelope);
    if ((await store.findOrder(envelope.id)) !== undefined) {
      throw new RequestError(409, `an order with envelope id '${envelope.id}' was already submitted`);
    }
    const added = await store.addPendingOrder({
      id: envelope.id,
      target: envelope.agent,
      kind: envelope.kind,
      envelope: text,
      proposedBy: who.principal,
      proposedAt: routes.nowText(),
      expiresAt: envelope.expiresAt,
    });
    if (!added) throw new RequestError(409, `a pending order with envelope id '${envelope.id}' exists already`);
    const record = (await store.getPendingOrder(envelope.id))!;
    await log.record(who.principal, 'pending-order-proposed', {
      id: envelope.id,
      target: envelope.agent,
      kind: envelope.kind,
      signers: signersOf(envelope),
    });
    return context.json({ pending: view(record, agents) }, 201);
  });

  app.get('/pending-orders', async (context) => {
    const who = routes.session(context.req.header('authorization'));
    const agents = await store.listAgents();
    const pending = (await store.listPendingOrders(maxListed)).flatMap((record) => {
      const reached = record.target.startsWith(groupAddressPrefix)
        ? agents.filter((agent) => agent.groups.includes(record.target.slice(groupAddressPrefix.length)))
        : agents.filter((agent) => agent.id === record.target);
      return rolesOnTarget(reached, who) === undefined ? [] : [view(record, reached)];
    });
    await log.record(who.principal, 'pending-orders-listed', { count: pending.length });
    return context.json({ pending });
  });

  app.get('/pending-orders/:id', async (context) => {
    const who = routes.session(context.req.header('authorization'));
    const { record, agents } = await visiblePending(context.req.param('id'), who);
    await log.record(who.principal, 'pending-order-read', { id: record.id });
    return context.json({ pending: view(record, agents) });
  });

  app.post('/pending-orders/:id/signatures', routes.jsonLimit, async (context) => {
    const authorization = context.req.header('authorization');
    const who = routes.session(authorization);
    const signature = parseBody(await context.req.text(), envelopeSignatureSchema, 'signature');
    if (signature.principal !== who.principal) {
      throw new RequestError(
        403,
        `signature field principal is '${signature.principal}', but you are '${who.principal}': each principal posts only their own signature`,
      );
    }
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const { record, agents } = await visiblePending(context.req.param('id'), who);
      requireOpen(record);
      const envelope = JSON.parse(record.envelope) as Envelope;
      if (envelope.sigs.some((signed) => signed.principal === signature.principal)) {
        throw new RequestError(400, `'${signature.principal}' has signed pending order '${record.id}' already`);
      }
      const rule = orderRule(agents, record.kind as RuledOrderKind);
      checkSignature(envelope, signature, agents, rule);
      const signed: Envelope = { ...envelope, sigs: [...envelope.sigs, signature] };
      const signedText = JSON.stringify(signed);
      const fits = envelopeSchema.safeParse(signed);
      if (!fits.success || Buffer.byteLength(signedText) > maxEnvelopeBytes) {
        throw new RequestError(
          400,
          `pending order '${record.id}' cannot take another signature (at most 16, ${maxEnvelopeBytes} bytes)`,
        );
      }
      const changed = await store.changePendingOrder(record.id, record.version, {
        envelope: signedText,
        status: 'pending',
        seq: null,
      });
      if (changed === undefined) continue;
      await log.record(who.principal, 'pending-order-cosigned', { id: record.id, signers: signersOf(signed) });
      if (!rule.met(signersOf(signed))) return context.json({ pending: view(changed, agents) });
      const submitted = await submitPending(changed, authorization);
      // Another request changed it first (a withdrawal, a submission): show it as it is now.
      if (submitted === undefined)
        return context.json({ pending: view((await store.getPendingOrder(record.id))!, agents) });
      await log.record(who.principal, 'pending-order-submitted', {
        id: record.id,
        seq: submitted.order.seq,
        quorum: true,
      });
      return context.json({ pending: view(submitted.record, agents), submitted: { seq: submitted.order.seq } });
    }
    throw new RequestError(409, 'the pending order kept changing while this signature was added: send it again');
  });

  app.post('/pending-orders/:id/submit', async (context) => {
    const authorization = context.req.header('authorization');
    const who = routes.session(authorization);
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const { record, agents, roles } = await visiblePending(context.req.param('id'), who);
      requireActor(roles, 'submitting a pending order');
      requireOpen(record);
      const submitted = await submitPending(record, authorization);
      if (submitted === undefined) continue;
      await log.record(who.principal, 'pending-order-submitted', {
        id: record.id,
        seq: submitted.order.seq,
        quorum: false,
      });
      return context.json(
        { seq: submitted.order.seq, target: record.target, id: record.id, pending: view(submitted.record, agents) },
        202,
      );
    }
    throw new RequestError(409, 'the pending order kept changing while it was submitted: send it again');
  });

  app.delete('/pending-orders/:id', async (context) => {
    const who = routes.session(context.req.header('authorization'));
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const { record, agents, roles } = await visiblePending(context.req.param('id'), who);
      if (record.proposedBy !== who.principal && !roles.includes('owner')) {
        throw new RequestError(
          403,
          `only its proposer '${record.proposedBy}' or an owner may withdraw a pending order`,
        );
      }
      if (record.status !== 'pending') throw new RequestError(409, `pending order '${record.id}' is ${record.status}`);
      const changed = await store.changePendingOrder(record.id, record.version, {
        envelope: record.envelope,
        status: 'withdrawn',
        seq: null,
      });
      if (changed === undefined) continue;
      await log.record(who.principal, 'pending-order-withdrawn', { id: record.id });
      return context.json({ pending: view(changed, agents) });
    }
    throw new RequestError(409, 'the pending order kept changing while it was withdrawn: send it again');
  });
}

function signersOf(envelope: Envelope): string[] {
  return [...new Set(envelope.sigs.map((signature) => signature.principal))];
}

/**
 * Refuses (400, named) a signature the agents would refuse: a signer not in the roster of every agent reached, one
 * whose roles may not sign this kind, or a signature that does not verify with the key each of them lists.
 */
function checkSignature(
  envelope: Envelope,
  signature: EnvelopeSignature,
  agents: readonly AgentRecord[],
  rule: OrderRule,
): void {
  const keys = agents.map((agent) => agent.principals.find((principal) => principal.id === signature.principal)?.key);
  if (keys.some((key) => key === undefined)) {
    throw new RequestError(400, `signer '${signature.principal}' is not in the roster of ${envelope.agent}`);
  }
  if (!rule.required.eligible.includes(signature.principal)) {
    throw new RequestError(
      400,
      `signer '${signature.principal}' holds no role that may sign '${envelope.kind}' for ${envelope.agent}`,
    );
  }
  const bytes = envelopeSigningBytes(envelope);
  const signatureBytes = Buffer.from(signature.sig, 'base64url');
  for (const key of new Set(keys as string[])) {
    if (!verifyBytes(parsePublicKey(key), bytes, signatureBytes)) {
      throw new RequestError(
        400,
        `the signature of '${signature.principal}' does not verify with the key ${envelope.agent}'s charter lists`,
      );
    }
  }
}
