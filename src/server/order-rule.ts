import { holdsRuleRole, requiredSigners } from '../authority/roster-index.ts';
import type { AuthorityRule, Quorum, RuledOrderKind } from '../charter/charter-schema.ts';
import type { AgentRecord } from './store/server-store.ts';

/** Who must sign an order for its target, as the server shows it: the registered rule, and what it asks. */
export interface RequiredSignatures {
  roles: AuthorityRule['roles'];
  quorum: Quorum;
  /** Principals whose roles qualify (on every member, for a group). */
  eligible: string[];
  /** How many distinct eligible principals must sign. */
  needed: number;
}

export interface OrderRule {
  required: RequiredSignatures;
  /** Whether these signers meet the rule of every agent the order reaches. */
  met(signers: readonly string[]): boolean;
}

/**
 * The rule for a kind of order to these agents (one, or a group's members), from their registrations. Members that
 * disagree are all held to: the rule shown is the strictest member's (most signers needed), eligible are those
 * eligible on every member, and it is met only when every member's own rule is. The agents still decide.
 */
export function orderRule(agents: readonly AgentRecord[], kind: RuledOrderKind): OrderRule {
  const members = agents.map((agent) => {
    const rule = agent.authority[kind];
    const eligible = new Set(
      agent.principals.filter((principal) => holdsRuleRole(principal, rule)).map((principal) => principal.id),
    );
    return { rule, eligible, needed: requiredSigners(rule, eligible.size) };
  });
  const strictest = members.reduce((most, member) => (member.needed > most.needed ? member : most), members[0]!);
  const eligible = [...strictest.eligible].filter((id) => members.every((member) => member.eligible.has(id))).sort();
  return {
    required: { roles: strictest.rule.roles, quorum: strictest.rule.quorum, eligible, needed: strictest.needed },
    met: (signers) =>
      members.every((member) => signers.filter((signer) => member.eligible.has(signer)).length >= member.needed),
  };
}
