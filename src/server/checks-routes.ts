import type { Hono } from 'hono';
import type { PendingCheck } from './api-schemas.ts';
import { rolesOn } from './principal-auth.ts';
import type { ServerRoutes } from './server-routes.ts';
import type { AgentRecord, ServerStore } from './store/server-store.ts';

/** The event types pending checks are read from. */
const checkEventTypes = ['check-requested', 'check-answered', 'policy-decision', 'model-call-end'];
/** Entries read from the store at a time while deriving an agent's checks. */
const pageSize = 5_000;

/**
 * The checks an agent awaits, from the events it shipped: a `check-requested` with no later `check-answered` for its
 * action, not expired, from an agent that has not halted since.
 */
export async function pendingChecks(store: ServerStore, agent: AgentRecord, now: number): Promise<PendingCheck[]> {
  if (agent.status === 'halted') return [];
  const open = new Map<string, PendingCheck>();
  const reasons = new Map<string, string>();
  const reasoning = new Map<string, string>();
  for (let after = 0; ; ) {
    const page = await store.readAgentEventsOfTypes(agent.id, checkEventTypes, after, pageSize);
    for (const { entry } of page) {
      const data = entry.data as Record<string, unknown>;
      if (entry.type === 'check-requested') {
        open.set(String(data.action), {
          agent: agent.id,
          call: String(data.call),
          tool: String(data.tool),
          action: String(data.action),
          input: (data.input ?? {}) as Record<string, unknown>,
          prediction: String(data.prediction),
          expiresAt: String(data.expiresAt),
          requestedAt: String(entry.at),
          rule: null,
        });
      } else if (entry.type === 'check-answered') {
        open.delete(String(data.action));
      } else if (entry.type === 'policy-decision' && data.decision === 'check') {
        reasons.set(`${String(data.call)} ${String(data.action)}`, String(data.reason));
      } else if (entry.type === 'model-call-end' && typeof data.text === 'string' && data.text.trim() !== '') {
        for (const call of (data.toolCalls ?? []) as Array<{ id: string }>) reasoning.set(call.id, data.text);
      }
    }
    if (page.length < pageSize) break;
    after = page.at(-1)!.seq;
  }
  return [...open.values()]
    .filter((check) => Date.parse(check.expiresAt) > now)
    .map((check) => {
      const said = reasoning.get(check.call);
      return {
        ...check,
        rule: reasons.get(`${check.call} ${check.action}`) ?? null,
        ...(said === undefined ? {} : { reasoning: said }),
      };
    });
}

/** `GET /checks` and `GET /agents/:id/checks`: what the principal's agents await. Answers are signed orders. */
export function registerCheckRoutes(app: Hono, routes: ServerRoutes): void {
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
