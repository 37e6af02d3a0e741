import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type Envelope, envelopeSchema, maxEnvelopeBytes } from '../authority/envelope.ts';
import { groupAddressPrefix, groupOrderKinds } from '../authority/verify-envelope.ts';
import type { Clock } from '../core/clock.ts';
import { registerAgentRoutes } from './agent-routes.ts';
import { challengeRequestSchema, tokenRequestSchema } from './api-schemas.ts';
import { registerOpenApiRoute } from './api-spec.ts';
import { registerAuditStreamRoutes } from './audit-stream-routes.ts';
import { registerCheckRoutes } from './checks-routes.ts';
import { describeAnchor } from './describe-anchor.ts';
import { registerPendingOrderRoutes } from './pending-orders-routes.ts';
import { observerRole, type PrincipalAuth, rolesOn } from './principal-auth.ts';
import { parseBody, RequestError } from './request-error.ts';
import { RequestLog } from './request-log.ts';
import { bearerToken, type RouteContext } from './route-context.ts';
import type { AgentRecord, ServerStore } from './store/server-store.ts';
import { verifyShippedEvents } from './verify-shipped-events.ts';

export interface ServerAppOptions {
  store: ServerStore;
  auth: PrincipalAuth;
  clock: Clock;
  /** How often an idle order stream sends a keep-alive (default 10 s); an agent unseen for three of these is offline. */
  keepAliveMs?: number;
  /**
   * Accept agents that register without a key, unauthenticated (default false): anyone who reaches the server may then
   * register such an id and ship entries in its name. An agent with a pinned key is never replaced by a keyless one.
   */
  allowKeylessAgents?: boolean;
}

const maxJsonBytes = 4 * 1024 * 1024;
/**
 * The control plane's HTTP API. The server routes, records and shows; it holds no principal's private key and
 * cannot make or change an order: every agent verifies every envelope itself.
 */
export function createServerApp(options: ServerAppOptions): Hono {
  const { store, auth, clock } = options;
  const keepAliveMs = options.keepAliveMs ?? 10_000;
  const log = new RequestLog(store, () => clock.now());
  const openStreams = new Map<string, number>();
  const nowText = () => new Date(clock.now()).toISOString();
  const app = new Hono();

  const session: RouteContext['session'] = (authorization) => {
    const found = auth.check(bearerToken(authorization));
    if (found === undefined) {
      throw new RequestError(401, 'a valid bearer token is required: POST /auth/challenge, sign it, POST /auth/token');
    }
    return found;
  };
  const visibleAgent: RouteContext['visibleAgent'] = async (id, who) => {
    const agent = await store.getAgent(id);
    // An agent the principal has no role on is reported as absent, not as forbidden: its existence is not theirs to know.
    if (agent === undefined || rolesOn(agent, who) === undefined)
      throw new RequestError(404, `no agent '${id}' you may see`);
    return agent;
  };
  const agentCaller: RouteContext['agentCaller'] = async (id, authorization) => {
    const caller = auth.checkAgent(bearerToken(authorization));
    if ('error' in caller) {
      throw new RequestError(401, `agent '${id}' must send its token (${caller.error}): register again (POST /agents)`);
    }
    if (caller.agent !== id) throw new RequestError(403, `the token is agent '${caller.agent}''s, not '${id}''s`);
    const agent = await store.getAgent(id);
    if (agent === undefined) throw new RequestError(404, `no agent '${id}' is registered: POST /agents first`);
    if (agent.publicKey !== caller.key) {
      throw new RequestError(401, `the token is for a key agent '${id}' no longer has: register again (POST /agents)`);
    }
    return { agent, session: caller };
  };
  const liveness = (agent: AgentRecord) => ({
    connected: (openStreams.get(agent.id) ?? 0) > 0 || clock.now() - Date.parse(agent.lastSeen) < 3 * keepAliveMs,
  });
  const submit = async (envelope: Envelope, text: string, authorization: string | undefined) => {
    const submittedBy = auth.check(bearerToken(authorization))?.principal ?? 'anonymous';
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
    const request = parseBody(await context.req.text(), challengeRequestSchema, 'challenge request');
    return context.json(
      'agent' in request ? await auth.issueAgentChallenge(request.agent) : await auth.issueChallenge(request.principal),
    );
  });
  app.post('/auth/token', jsonLimit, async (context) => {
    const request = parseBody(await context.req.text(), tokenRequestSchema, 'token request');
    const result = await auth.redeem(request.principal, request.challenge, request.signature, await store.listAgents());
    if ('error' in result) throw new RequestError(401, result.error);
    await log.record(request.principal, 'principal-authenticated', { expiresAt: result.expiresAt });
    return context.json(result);
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
  app.post('/agents/:id/orders', envelopeLimit, async (context) => {
    const id = context.req.param('id');
    const text = await context.req.text();
    const envelope = parseBody(text, envelopeSchema, 'envelope');
    if (envelope.agent !== id) {
      throw new RequestError(400, `envelope field agent is '${envelope.agent}', but it was sent to agent '${id}'`);
    }
    const order = await submit(envelope, text, context.req.header('authorization'));
    return context.json({ seq: order.seq, target: order.target, id: envelope.id }, 202);
  });
  app.post('/groups/:group/orders', envelopeLimit, async (context) => {
    const group = context.req.param('group');
    const text = await context.req.text();
    const envelope = parseBody(text, envelopeSchema, 'envelope');
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
  app.get('/agents/:id/audit', async (context) => {
    const who = session(context.req.header('authorization'));
    const agent = await visibleAgent(context.req.param('id'), who);
    const after = Number(context.req.query('after') ?? '0');
    const limit = Math.min(Number(context.req.query('limit') ?? '1000'), 10_000);
    if (!Number.isInteger(after) || after < 0) throw new RequestError(400, 'query after must be a sequence number');
    if (!Number.isInteger(limit) || limit < 1) throw new RequestError(400, 'query limit must be a positive integer');
    const events = (await store.readAgentEvents(agent.id, after, limit)).map((stored) => stored.entry);
    await log.record(who.principal, 'agent-audit-read', { agent: agent.id, after, count: events.length });
    return context.json({
      agent: agent.id,
      events,
      verification: verifyShippedEvents(events),
      anchor: await describeAnchor(store, agent),
    });
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

  const routes: RouteContext = {
    store,
    auth,
    clock,
    log,
    keepAliveMs,
    allowKeylessAgents: options.allowKeylessAgents ?? false,
    jsonLimit,
    envelopeLimit,
    nowText,
    session,
    visibleAgent,
    agentCaller,
    submit,
    openStreams,
  };
  registerAgentRoutes(app, routes);
  registerAuditStreamRoutes(app, routes);
  registerPendingOrderRoutes(app, routes);
  registerCheckRoutes(app, routes);
  registerOpenApiRoute(app);

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
