import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { checkCheckpoint } from '../audit/audit-checkpoint.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import {
  type AgentRegistrationAnswer,
  type AgentRegistrationRequest,
  agentRegistrationRequestSchema,
  auditBatchSchema,
  registrationSignatureVerifies,
  shippedAnchorSchema,
} from '../kernel/fleet/fleet-protocol.ts';
import { streamOrders } from './order-stream.ts';
import { tokenTtlMs } from './principal-auth.ts';
import { parseBody, RequestError } from './request-error.ts';
import type { RouteContext } from './route-context.ts';
import type { AgentEventShipment, AgentRecord } from './store/server-store.ts';
import { TurnBatcher } from './turn-batcher.ts';

/** Events that show an agent at work; a `halt` shows it halted. Others (a rejected order) change neither. */
const workingEvents: ReadonlySet<string> = new Set([
  'run-started',
  'task-started',
  'model-call-start',
  'tool-call-start',
]);

/**
 * What an agent does on the server: register (signed by its own key over a challenge; the first registration pins
 * the key), hold its order stream, ship its audit entries and its signed checkpoints. Every call but registration
 * carries the agent's token, which is good for that agent and its pinned key only.
 */
export function registerAgentRoutes(app: Hono, context: RouteContext): void {
  const { store, auth, log, nowText } = context;
  let storeId: string | undefined;
  // A fleet ships about one batch per agent a second: the shipments of one turn share one commit.
  const shipments = new TurnBatcher<AgentEventShipment, number | null>((items) => store.addAgentEventShipments(items));

  app.post('/agents', context.jsonLimit, async (http) => {
    const request = parseBody(await http.req.text(), agentRegistrationRequestSchema, 'agent registration');
    const { registration } = request;
    const existing = await store.getAgent(registration.agent);
    const kind = await checkRegistration(context, request, existing);
    const agent = await store.registerAgent(
      registration,
      nowText(),
      existing === undefined ? undefined : { publicKey: existing.publicKey },
    );
    if (agent === undefined) {
      throw new RequestError(
        409,
        `agent '${registration.agent}' was registered or changed by another registration at the same moment: register again`,
      );
    }
    const { token, expiresAt } = auth.issueAgentToken(agent.id, agent.publicKey);
    storeId ??= await store.setting('store-id', () => randomUUID());
    await log.record(agent.id, 'agent-registered', {
      runId: agent.runId,
      charterHash: agent.charterHash,
      groups: agent.groups,
      publicKey: agent.publicKey,
      registration: kind,
      resumeAfter: agent.resumeAfter,
    });
    const answer: AgentRegistrationAnswer = {
      agent: agent.id,
      orders: `/agents/${agent.id}/orders/stream`,
      token,
      expiresAt,
      resumeAfter: agent.resumeAfter,
      store: storeId,
    };
    return http.json(answer, 201);
  });

  app.get('/agents/:id/orders/stream', async (http) => {
    const id = http.req.param('id');
    const { agent } = await context.agentCaller(id, http.req.header('authorization'));
    const resumeText = http.req.header('last-event-id') ?? http.req.query('after') ?? '0';
    if (!/^\d{1,15}$/.test(resumeText)) {
      throw new RequestError(400, `Last-Event-ID '${resumeText.slice(0, 40)}' must be an order sequence number`);
    }
    await store.touchAgent(id, nowText());
    await log.record(id, 'order-stream-opened', { after: Number(resumeText) });
    return streamOrders({
      store,
      agent,
      afterSeq: Number(resumeText),
      keepAliveMs: context.keepAliveMs,
      now: nowText,
      // Renewed at half its lifetime, so an agent whose stream stays open always holds a live token.
      renewToken: { everyMs: tokenTtlMs / 2, issue: () => auth.issueAgentToken(agent.id, agent.publicKey) },
      onOpen: () => context.openStreams.set(id, (context.openStreams.get(id) ?? 0) + 1),
      onClose: () => context.openStreams.set(id, (context.openStreams.get(id) ?? 1) - 1),
    });
  });

  app.post('/agents/:id/audit', context.jsonLimit, async (http) => {
    const id = http.req.param('id');
    await context.agentCaller(id, http.req.header('authorization'));
    const batch = parseBody(await http.req.text(), auditBatchSchema, 'audit batch');
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
    return http.json({ added });
  });

  app.post('/agents/:id/anchors', context.jsonLimit, async (http) => {
    const id = http.req.param('id');
    const { agent } = await context.agentCaller(id, http.req.header('authorization'));
    const anchor = parseBody(await http.req.text(), shippedAnchorSchema, 'checkpoint anchor');
    if (agent.publicKey === null) {
      throw new RequestError(400, `agent '${id}' has no key, so it has no signed checkpoints to anchor`);
    }
    const check = checkCheckpoint(
      id,
      anchor.seq,
      anchor.head,
      canonicalJson({
        covers: anchor.seq - 1,
        head: anchor.head,
        publicKey: agent.publicKey,
        signature: anchor.signature,
      }),
    );
    if (!check.ok) {
      throw new RequestError(400, `the checkpoint's signature does not verify with agent '${id}''s pinned key`);
    }
    await store.setAnchor(id, anchor);
    await log.record(id, 'anchor-ingested', { seq: anchor.seq, hash: anchor.hash });
    return http.json({ anchored: anchor.seq });
  });
}

/**
 * Decides whether a registration may take (or keep) the agent id: it must be signed by the key it names over a
 * challenge issued to this agent (one use), and a key other than the one pinned must be signed for by the pinned
 * key as well. Keyless registrations pass only on a server that allows them, and never replace a pinned key.
 */
async function checkRegistration(
  context: RouteContext,
  request: AgentRegistrationRequest,
  existing: AgentRecord | undefined,
): Promise<'new' | 'same-key' | 'rotated'> {
  const { registration } = request;
  const id = registration.agent;
  const pinned = existing?.publicKey ?? null;
  if (registration.publicKey === null) {
    if (!context.allowKeylessAgents) {
      throw new RequestError(
        401,
        `agent '${id}' registered without a key: this server takes only registrations signed by the agent's key (heed serve --allow-keyless-agents accepts keyless agents, unauthenticated)`,
      );
    }
    if (pinned !== null) {
      throw new RequestError(409, `agent '${id}' is pinned to key ${pinned}: a keyless registration cannot replace it`);
    }
    return existing === undefined ? 'new' : 'same-key';
  }
  if (request.challenge === undefined || request.signature === undefined) {
    throw new RequestError(
      401,
      `the registration of '${id}' must carry a challenge (POST /auth/challenge {"agent": "${id}"}) and the agent key's signature over it`,
    );
  }
  if (!(await context.auth.takeAgentChallenge(id, request.challenge))) {
    throw new RequestError(401, `the challenge is unknown, used, expired or issued to another agent than '${id}'`);
  }
  if (!registrationSignatureVerifies(registration.publicKey, request.challenge, registration, request.signature)) {
    throw new RequestError(401, `the registration's signature does not verify with its publicKey`);
  }
  if (existing === undefined) return 'new';
  if (pinned === null || pinned === registration.publicKey) return 'same-key';
  if (request.pinnedKeySignature === undefined) {
    throw new RequestError(
      409,
      `agent '${id}' is pinned to key ${pinned}: a registration with another key must also be signed by the pinned key (a key rotation)`,
    );
  }
  if (!registrationSignatureVerifies(pinned, request.challenge, registration, request.pinnedKeySignature)) {
    throw new RequestError(409, `pinnedKeySignature does not verify with the key agent '${id}' is pinned to`);
  }
  return 'rotated';
}
