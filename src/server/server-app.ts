import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { type Envelope, envelopeSchema, maxEnvelopeBytes } from '../authority/envelope.ts';
import { groupAddressPrefix, groupOrderKinds } from '../authority/verify-envelope.ts';
import type { Clock } from '../core/clock.ts';
import { describeIssues } from '../core/parse-with-schema.ts';
import { agentRegistrationSchema, auditBatchSchema } from '../kernel/fleet/fleet-protocol.ts';
import { streamOrders } from './order-stream.ts';
import { observerRole, type PrincipalAuth, rolesOn, type Session } from './principal-auth.ts';
import { RequestLog } from './request-log.ts';
import type { AgentEventShipment, AgentRecord, ServerStore } from './store/server-store.ts';
import { TurnBatcher } from './turn-batcher.ts';
import { verifyShippedEvents } from './verify-shipped-events.ts';

export interface ServerAppOptions {
  store: ServerStore;
  auth: PrincipalAuth;
  clock: Clock;
  /** How often an idle order stream sends a keep-alive (default 10 s); an agent unseen for three of these is offline. */
  keepAliveMs?: number;
}

const challengeRequestSchema = z.strictObject({ principal: z.string().min(1).max(64) });
const tokenRequestSchema = z.strictObject({
  principal: z.string().min(1).max(64),
  challenge: z.string().min(1).max(128),
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be the unpadded base64url of a 64-byte Ed25519 signature'),
});
const maxJsonBytes = 4 * 1024 * 1024;
/** Events that show an agent at work; a `halt` shows it halted. Others (a rejected order) change neither. */
const workingEvents: ReadonlySet<string> = new Set([
  'run-started',
  'task-started',
  'model-call-start',
  'tool-call-start',
]);

class RequestError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 413;
  constructor(status: 400 | 401 | 403 | 404 | 413, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * The control plane's HTTP API. The server routes, records and shows; it holds no principal's private key and
 * cannot make or change an order: every agent verifies every envelope itself.
 */
export function createServerApp(options: ServerAppOptions): Hono {
  const { store, auth, clock } = options;
  const keepAliveMs = options.keepAliveMs ?? 10_000;
  const log = new RequestLog(store, () => clock.now());
  // A fleet ships about one batch per agent a second: the shipments of one turn share one commit.
  const shipments = new TurnBatcher<AgentEventShipment, number | null>((items) => store.addAgentEventShipments(items));
  const openStreams = new Map<string, number>();
  const nowText = () => new Date(clock.now()).toISOString();
  const app = new Hono();

  const parseBody = async <T>(text: string, schema: z.ZodType<T>, what: string): Promise<T> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RequestError(400, `${what} is not JSON: ${(error as Error).message}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new RequestError(400, `invalid ${what}: ${describeIssues(parsed.error).join('; ')}`);
    return parsed.data;
  };
  const session = (authorization: string | undefined): Session => {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    const found = auth.check(token);
    if (found === undefined) {
      throw new RequestError(401, 'a valid bearer token is required: POST /auth/challenge, sign it, POST /auth/token');
    }
    return found;
  };
  const visibleAgent = async (id: string, who: Session): Promise<AgentRecord> => {
    const agent = await store.getAgent(id);
    // An agent the principal has no role on is reported as absent, not as forbidden: its existence is not theirs to know.
    if (agent === undefined || rolesOn(agent, who) === undefined)
      throw new RequestError(404, `no agent '${id}' you may see`);
    return agent;
  };
  const liveness = (agent: AgentRecord) => ({
    connected: (openStreams.get(agent.id) ?? 0) > 0 || clock.now() - Date.parse(agent.lastSeen) < 3 * keepAliveMs,
  });
  const submit = async (envelope: Envelope, text: string, authorization: string | undefined) => {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    const submittedBy = auth.check(token)?.principal ?? 'anonymous';
    const order = await store.addOrder({
      target: envelope.agent,
      envelopeId: envelope.id,
      kind: envelope.kind,
      envelope: text,
      submittedBy,
      submittedAt: nowText(),
    });
    await log.record(submittedBy, 'order-submitted', {
      seq: order.seq,
      target: envelope.agent,
      kind: envelope.kind,
      id: envelope.id,
      signers: envelope.sigs.map((signature) => signature.principal),
    });
    return order;
  };
  const envelopeLimit = bodyLimit({
    maxSize: maxEnvelopeBytes,
    onError: () => {
      throw new RequestError(413, `an envelope may be at most ${maxEnvelopeBytes} bytes`);
    },
  });
  const jsonLimit = bodyLimit({
    maxSize: maxJsonBytes,
    onError: () => {
      throw new RequestError(413, `a request body may be at most ${maxJsonBytes} bytes`);
    },
  });

  app.post('/auth/challenge', jsonLimit, async (context) => {
    const request = await parseBody(await context.req.text(), challengeRequestSchema, 'challenge request');
    return context.json(auth.issueChallenge(request.principal));
  });
  app.post('/auth/token', jsonLimit, async (context) => {
    const request = await parseBody(await context.req.text(), tokenRequestSchema, 'token request');
    const result = auth.redeem(request.principal, request.challenge, request.signature, await store.listAgents());
    if ('error' in result) throw new RequestError(401, result.error);
    await log.record(request.principal, 'principal-authenticated', { expiresAt: result.expiresAt });
    return context.json(result);
  });

  app.post('/agents', jsonLimit, async (context) => {
    const registration = await parseBody(await context.req.text(), agentRegistrationSchema, 'agent registration');
    const agent = await store.registerAgent(registration, nowText());
    await log.record(agent.id, 'agent-registered', {
      runId: agent.runId,
      charterHash: agent.charterHash,
      groups: agent.groups,
    });
    return context.json({ agent: agent.id, orders: `/agents/${agent.id}/orders/stream` }, 201);
  });
  app.get('/agents', async (context) => {
    const who = session(context.req.header('authorization'));
    const agents = (await store.listAgents()).flatMap((agent) => {
      const roles = rolesOn(agent, who);
      if (roles === undefined) return [];
      const { principals: _principals, ...shown } = agent;
      return [{ ...shown, ...liveness(agent), roles }];
    });
    await log.record(who.principal, 'agents-listed', { count: agents.length });
    return context.json({ agents });
  });
  app.get('/agents/:id/orders/stream', async (context) => {
    const id = context.req.param('id');
    const agent = await store.getAgent(id);
    if (agent === undefined) throw new RequestError(404, `no agent '${id}' is registered: POST /agents first`);
    const resumeText = context.req.header('last-event-id') ?? context.req.query('after') ?? '0';
    if (!/^\d{1,15}$/.test(resumeText)) {
      throw new RequestError(400, `Last-Event-ID '${resumeText.slice(0, 40)}' must be an order sequence number`);
    }
    await store.touchAgent(id, nowText());
    await log.record(id, 'order-stream-opened', { after: Number(resumeText) });
    return streamOrders(context, {
      store,
      agent,
      afterSeq: Number(resumeText),
      keepAliveMs,
      now: nowText,
      onOpen: () => openStreams.set(id, (openStreams.get(id) ?? 0) + 1),
      onClose: () => openStreams.set(id, (openStreams.get(id) ?? 1) - 1),
    });
  });
  app.post('/agents/:id/orders', envelopeLimit, async (context) => {
    const id = context.req.param('id');
    const text = await context.req.text();
    const envelope = await parseBody(text, envelopeSchema, 'envelope');
    if (envelope.agent !== id) {
      throw new RequestError(400, `envelope field agent is '${envelope.agent}', but it was sent to agent '${id}'`);
    }
    const order = await submit(envelope, text, context.req.header('authorization'));
    return context.json({ seq: order.seq, target: order.target, id: envelope.id }, 202);
  });
  app.post('/groups/:group/orders', envelopeLimit, async (context) => {
    const group = context.req.param('group');
    const text = await context.req.text();
    const envelope = await parseBody(text, envelopeSchema, 'envelope');
    if (envelope.agent !== `${groupAddressPrefix}${group}`) {
      throw new RequestError(
        400,
        `envelope field agent is '${envelope.agent}'; a fleet order to '${group}' names 'group:${group}'`,
      );
    }
    if (!groupOrderKinds.has(envelope.kind)) {
      throw new RequestError(
        400,
        `envelope field kind '${envelope.kind}' cannot go to a group; only ${[...groupOrderKinds].join(', ')} can`,
      );
    }
    const members = await store.countGroupMembers(group);
    if (members === 0) throw new RequestError(404, `no registered agent's charter lists group '${group}'`);
    const order = await submit(envelope, text, context.req.header('authorization'));
    return context.json({ seq: order.seq, target: order.target, id: envelope.id, members }, 202);
  });
  app.post('/agents/:id/audit', jsonLimit, async (context) => {
    const id = context.req.param('id');
    const batch = await parseBody(await context.req.text(), auditBatchSchema, 'audit batch');
    const stranger = batch.events.find((event) => event.agent !== id);
    if (stranger !== undefined) {
      throw new RequestError(
        400,
        `events[].agent '${stranger.agent}' is not '${id}': an agent ships only its own events`,
      );
    }
    const last = batch.events.findLast((event) => event.type === 'halt' || workingEvents.has(event.type));
    const added = await shipments.add({
      agent: id,
      entries: batch.events,
      seen: { at: nowText(), ...(last === undefined ? {} : { status: last.type === 'halt' ? 'halted' : 'running' }) },
    });
    if (added === null) throw new RequestError(404, `no agent '${id}' is registered`);
    await log.record(id, 'audit-ingested', { events: batch.events.length, added });
    return context.json({ added });
  });
  app.get('/agents/:id/audit', async (context) => {
    const who = session(context.req.header('authorization'));
    const agent = await visibleAgent(context.req.param('id'), who);
    const after = Number(context.req.query('after') ?? '0');
    const limit = Math.min(Number(context.req.query('limit') ?? '1000'), 10_000);
    if (!Number.isInteger(after) || after < 0) throw new RequestError(400, 'query after must be a sequence number');
    if (!Number.isInteger(limit) || limit < 1) throw new RequestError(400, 'query limit must be a positive integer');
    const events = (await store.readAgentEvents(agent.id, after, limit)).map((stored) => stored.entry);
    await log.record(who.principal, 'agent-audit-read', { agent: agent.id, after, count: events.length });
    return context.json({ agent: agent.id, events, verification: verifyShippedEvents(events) });
  });
  app.get('/audit', async (context) => {
    const who = session(context.req.header('authorization'));
    const owner = (await store.listAgents()).some((agent) => {
      const roles = rolesOn(agent, who);
      return roles?.some((role) => role !== observerRole) === true;
    });
    if (!owner) throw new RequestError(403, "reading the server's own audit needs a role other than observer");
    const after = Number(context.req.query('after') ?? '0');
    const entries = await store.readServerAudit(Number.isInteger(after) && after >= 0 ? after : 0, 1000);
    return context.json({ entries });
  });

  app.notFound((context) => context.json({ error: `no route ${context.req.method} ${context.req.path}` }, 404));
  app.onError(async (error, context) => {
    if (error instanceof RequestError) {
      const actor = context.req.param('id') ?? 'anonymous';
      await log
        .refused(actor, `${context.req.method} ${context.req.routePath}`, error.status, error.message)
        .catch(() => {});
      return context.json({ error: error.message }, error.status);
    }
    return context.json({ error: `server error: ${error.message}` }, 500);
  });
  return app;
}
