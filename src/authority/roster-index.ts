import type { KeyObject } from 'node:crypto';
import {
  type AuthorityRule,
  type Charter,
  type Principal,
  type RuledOrderKind,
  ruledOrderKinds,
} from '../charter/charter-schema.ts';
import { parseDuration } from '../core/duration.ts';
import { parsePublicKey } from '../core/ed25519.ts';

export interface RosterEntry {
  principal: Principal;
  key: KeyObject;
}

/** What verification needs from a charter, computed once per charter object. */
export interface RosterIndex {
  principals: ReadonlyMap<string, RosterEntry>;
  /** Per ruled kind: who may sign it and how many distinct signers are needed. */
  rules: Readonly<Record<RuledOrderKind, { eligible: ReadonlySet<string>; required: number }>>;
  skewMs: number;
  maxTtlMs: number;
}

// Keyed by the charter object itself: a changed roster is a new charter object, so stale keys cannot survive it.
const cache = new WeakMap<Charter, RosterIndex>();

export function rosterIndex(charter: Charter): RosterIndex {
  let index = cache.get(charter);
  if (index === undefined) {
    index = buildRosterIndex(charter);
    cache.set(charter, index);
  }
  return index;
}

export function eligiblePrincipals(charter: Charter, rule: AuthorityRule): Principal[] {
  return charter.principals.filter((principal) => holdsRuleRole(principal, rule));
}

/** Whether a principal, not revoked, holds a role the rule names (every principal, for `any`). */
export function holdsRuleRole(
  principal: { roles: readonly string[]; revoked?: boolean | undefined },
  rule: AuthorityRule,
): boolean {
  return (
    principal.revoked !== true && (rule.roles === 'any' || principal.roles.some((role) => rule.roles.includes(role)))
  );
}

export function requiredSigners(rule: AuthorityRule, eligibleCount: number): number {
  if (rule.quorum === 'all') return Math.max(1, eligibleCount);
  if (rule.quorum === 'majority') return Math.floor(eligibleCount / 2) + 1;
  return rule.quorum;
}

function buildRosterIndex(charter: Charter): RosterIndex {
  const principals = new Map<string, RosterEntry>();
  for (const principal of charter.principals) {
    principals.set(principal.id, { principal, key: parsePublicKey(principal.key) });
  }
  const rules = {} as Record<RuledOrderKind, { eligible: ReadonlySet<string>; required: number }>;
  for (const kind of ruledOrderKinds) {
    const rule = charter.authority[kind];
    const eligible = eligiblePrincipals(charter, rule);
    rules[kind] = {
      eligible: new Set(eligible.map((principal) => principal.id)),
      required: requiredSigners(rule, eligible.length),
    };
  }
  return {
    principals,
    rules,
    skewMs: parseDuration(charter.clock.skew),
    maxTtlMs: parseDuration(charter.clock.maxTtl),
  };
}
