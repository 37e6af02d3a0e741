import { type AuthorityRule, type Charter, impactClasses, principalRank, ruledOrderKinds } from './charter-schema.ts';

const conflictMeanings: Record<Charter['conflict'], string> = {
  ask: 'when principals give competing tasks, the agent holds both and asks which to pursue',
  rank: 'when principals give competing tasks, the higher-ranked principal wins; among equals, the latest',
  latest: 'when principals give competing tasks, the newest one wins',
};

export function describeRule(charter: Charter, rule: AuthorityRule): string {
  const holders =
    rule.roles === 'any'
      ? charter.principals.filter((principal) => !principal.revoked)
      : charter.principals.filter(
          (principal) => !principal.revoked && principal.roles.some((role) => rule.roles.includes(role)),
        );
  const who = rule.roles === 'any' ? 'any principal' : `principals holding ${rule.roles.join(' or ')}`;
  const count = holders.length;
  const needed =
    rule.quorum === 'all'
      ? `all ${count}`
      : rule.quorum === 'majority'
        ? `a majority (${Math.floor(count / 2) + 1} of ${count})`
        : `${rule.quorum} of ${count}`;
  return `${who}; ${needed} must sign`;
}

export interface CharterRuleLine {
  /** The charter field the line explains, e.g. `authority.stop` or `lease`. */
  field: string;
  text: string;
}

/** Plain-language lines on who may order what, and the charter's other rules. */
export function describeCharterRules(charter: Charter): CharterRuleLine[] {
  const lines: CharterRuleLine[] = ruledOrderKinds.map((kind) => ({
    field: `authority.${kind}`,
    text: `${kind} orders: ${describeRule(charter, charter.authority[kind])}`,
  }));
  lines.push({ field: 'conflict', text: `conflict rule '${charter.conflict}': ${conflictMeanings[charter.conflict]}` });
  lines.push({
    field: 'lease',
    text:
      charter.lease.ttl === null
        ? 'lease: off (the agent does not halt when its principals go silent)'
        : `lease: the agent halts unless a principal who may sign 'lease' has signed an order within the last ${charter.lease.ttl}`,
  });
  for (const entry of charter.succession) {
    lines.push({
      field: 'succession',
      text: `succession: after ${entry.after} with no order from '${entry.for}', '${entry.successor}' may claim its roles; the claim takes effect ${entry.timeLock} later unless '${entry.for}' or the 'charter' quorum vetoes it`,
    });
  }
  if (charter.succession.length === 0) {
    lines.push({ field: 'succession', text: 'succession: none (no principal can take over another)' });
  }
  lines.push({
    field: 'clock',
    text: `clock: orders may be issued up to ${charter.clock.skew} ahead of the agent's clock and live at most ${charter.clock.maxTtl}`,
  });
  lines.push({ field: 'stop', text: `stop grace: a tool that ignores a stop is killed after ${charter.stop.grace}` });
  return lines;
}

export function describePolicy(charter: Charter): string[] {
  const meaning = { allow: 'allowed', check: 'needs a signed approval first', deny: 'forbidden' } as const;
  const lines = impactClasses.map((impact) => `${impact} actions: ${meaning[charter.policy.impact[impact]]}`);
  for (const [tool, decision] of Object.entries(charter.policy.tools)) {
    lines.push(`tool ${tool}: ${meaning[decision]}`);
  }
  lines.push(`an unanswered check expires as denied after ${charter.policy.checkTimeout}`);
  return lines;
}

export function describeRoster(charter: Charter): string[] {
  return charter.principals
    .filter((principal) => !principal.revoked)
    .map((principal) => `${principal.id}: roles ${principal.roles.join(', ')}; rank ${principalRank(principal)}`);
}
