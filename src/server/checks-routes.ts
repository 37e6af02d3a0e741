import type { Hono } from 'hono';
import type { PendingCheck } from './api-schemas.ts';
import { rolesOn } from './principal-auth.ts';
import type { RouteContext } from './route-context.ts';
import type { AgentRecord, ServerStore } from './store/server-store.ts';

/** The entries that open and close checks: few, read whole (by the store's type index). */
const checkEventTypes = ['check-requested', 'check-answered'];
/** The entries that explain an open check: the policy rule that raised it, the model's reasoning. */
const annotationEventTypes = ['policy-decision', 'model-call-end'];
/**
 * How far before an open check its explanation is looked for: the model's turn and the policy's decision come just
 * before the check, with at most the other calls of that turn between. An explanation further back is left out.
 */
const annotationWindow = 2_000;
/** Entries read from the store at a time while deriving an agent's checks. */
const pageSize = 5_000;

/** Every shipped entry of these types with `from < seq <= through`, in order, a page at a time. */
async function* readTypes(
  store: ServerStore,
  agent: string,
  types: readonly string[],
  from: number,
  through = Number.POSITIVE_INFINITY,
): AsyncGenerator<{ seq: number; entry: Record<string, unknown> }> {
  for (let after = from; ; ) {
    const page = await store.readAgentEventsOfTypes(agent, types, after, pageSize);
    for (const event of page) {
      if (event.seq > through) return;
      yield event;
    }
    if (page.length < pageSize) return;
    after = page.at(-1)!.seq;
  }
}

/**
 * The checks an agent awaits, from the events it shipped: a `check-requested` with no later `check-answered` for its
 * action, not expired, from an agent that has not halted since. Reads the check entries, then, only when a check is
 * open, the entries just before it that explain it.
 */
export async function pendingChecks(store: ServerStore, agent: AgentRecord, now: number): Promise<PendingCheck[]> {
  if (agent.status === 'halted') return [];
  const open = new Map<string, { check: PendingCheck; seq: number }>();
  for await (const { seq, entry } of readTypes(store, agent.id, checkEventTypes, 0)) {
    const data = entry.data as Record<string, unknown>;
    if (entry.type === 'check-requested') {
      const check: PendingCheck = {
        agent: agent.id,
        call: String(data.call),
        tool: String(data.tool),
        action: String(data.action),
        input: (data.input ?? {}) as Record<string, unknown>,
        prediction: String(data.prediction),
        expiresAt: String(data.expiresAt),
        requestedAt: String(entry.at),
        rule: null,
      };
      // Re-requested: the newer request is the one awaited.
      open.delete(check.action);
      open.set(check.action, { check, seq });
    } else if (entry.type === 'check-answered') {
      open.delete(String(data.action));
    }
  }
  const live = [...open.values()].filter(({ check }) => Date.parse(check.expiresAt) > now);
  if (live.length === 0) return [];
  const reasons = new Map<string, string>();
  const reasoning = new Map<string, string>();
  const first = Math.min(...live.map(({ seq }) => seq));
  const last = Math.max(...live.map(({ seq }) => seq));
  for await (const { entry } of readTypes(
    store,
    agent.id,
    annotationEventTypes,
    Math.max(0, first - annotationWindow),
    last,
  )) {
    const data = entry.data as Record<string, unknown>;
    if (entry.type === 'policy-decision' && data.decision === 'check') {
      reasons.set(`${String(data.call)} ${String(data.action)}`, String(data.reason));
    } else if (entry.type === 'model-call-end' && typeof data.text === 'string' && data.text.trim() !== '') {
      for (const call of (data.toolCalls ?? []) as Array<{ id: string }>) reasoning.set(call.id, data.text);
    }
  }
  return live.map(({ check }) => {
    const said = reasoning.get(check.call);
    return {
      ...check,
      rule: reasons.get(`${check.call} ${check.action}`) ?? null,
      ...(said === undefined ? {} : { reasoning: said }),
    };
  });
}

/** `GET /checks` and `GET /agents/:id/checks`: what the principal's agents await. Answers are signed orders. */
export function registerCheckRoutes(app: Hono, routes: RouteContext): void {
  const { store, log } = routes;
  app.get('/checks', async (context) => {
    const who = routes.session(context.req.header('authorization'));
    const agents = (await store.listAgents()).filter((agent) => rolesOn(agent, who) !== undefined);
    const checks = (await Promise.all(agents.map((agent) => pendingChecks(store, agent, routes.clock.now())))).flat();
    await log.record(who.principal, 'checks-listed', { count: checks.length });
    return context.json({ checks });
  });
  app.get('/agents/:id/checks', async (context) => {
    const who = routes.session(context.req.header('authorization'));
    const agent = await routes.visibleAgent(context.req.param('id'), who);
    const checks = await pendingChecks(store, agent, routes.clock.now());
    await log.record(who.principal, 'checks-listed', { agent: agent.id, count: checks.length });
    return context.json({ checks });
  });
}
