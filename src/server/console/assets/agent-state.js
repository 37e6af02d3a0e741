// What the console shows of an agent, read from the audit events it ships: running, waiting for a check, halted and
// why; its lease; its pending checks; the orders it rejected.

/** @typedef {{ seq: number, at: string, agent: string, type: string, data: Record<string, any> }} ShippedEntry */

/**
 * @param {ShippedEntry[]} events
 * @param {number} now
 */
export function describeAgent(events, now) {
  /** @type {Map<string, ShippedEntry>} */
  const pending = new Map();
  /** @type {Map<string, ShippedEntry>} */
  const ruleFor = new Map();
  /** @type {ShippedEntry | undefined} */
  let halt;
  let running = false;
  /** @type {string | undefined} */
  let leaseUntil;
  for (const entry of events) {
    switch (entry.type) {
      case 'policy-decision':
        if (entry.data.decision === 'check' && typeof entry.data.call === 'string') ruleFor.set(entry.data.call, entry);
        break;
      case 'check-requested':
        pending.set(entry.data.action, entry);
        break;
      case 'check-answered':
        pending.delete(entry.data.action);
        break;
      case 'halt':
        halt = entry;
        running = false;
        pending.clear();
        break;
      case 'run-started':
      case 'task-started':
      case 'model-call-start':
      case 'tool-call-start':
        running = true;
        halt = undefined;
        break;
      case 'run-ended':
        running = false;
        break;
      case 'lease-renewed':
        leaseUntil = entry.data.expiresAt;
        break;
    }
  }
  const checks = [...pending.values()]
    .filter((entry) => Date.parse(entry.data.expiresAt) > now)
    .map((entry) => ({ request: entry, rule: ruleFor.get(entry.data.call) }));
  const status = halt !== undefined ? 'halted' : checks.length > 0 ? 'waiting for check' : running ? 'running' : 'idle';
  return {
    status,
    halt,
    checks,
    leaseLeftMs: leaseUntil === undefined ? undefined : Date.parse(leaseUntil) - now,
    rejected: events.filter((entry) => entry.type === 'order-rejected'),
    lastEvents: events.slice(-4),
  };
}

/**
 * Whether the session's roles on an agent may sign an order of this kind, by the charter's rule the agent registered,
 * and whether one signature is enough. The agent decides in the end; this only spares a principal a futile signature.
 * @param {{ roles: string[], authority?: Record<string, { roles: 'any' | string[], quorum: number | 'majority' | 'all' }> }} agent
 * @param {string} kind
 */
export function orderPermission(agent, kind) {
  const rule = agent.authority?.[kind];
  if (rule === undefined) return { allowed: true, single: true, rule: undefined };
  const allowed = rule.roles === 'any' || agent.roles.some((role) => rule.roles.includes(role));
  return { allowed, single: rule.quorum === 1, rule };
}

/** @param {{ roles: 'any' | string[], quorum: number | string } | undefined} rule */
export function describeRule(rule) {
  if (rule === undefined) return 'no rule registered';
  const roles = rule.roles === 'any' ? 'any principal' : rule.roles.join(' or ');
  return rule.quorum === 1 ? `one signature by ${roles}` : `${rule.quorum} of the ${roles} principals`;
}
