import { type Charter, charterSchema, type Principal } from '../charter/charter-schema.ts';
import { describeIssues } from '../core/parse-with-schema.ts';

export type RosterChange = { charter: Charter } | { problem: string };

/**
 * Applies `update` to each principal and re-validates the whole charter, so a roster change can never leave
 * the agent with a rule nobody can satisfy (e.g. revoking the last principal who may resume).
 */
export function changeRoster(charter: Charter, update: (principal: Principal) => Principal): RosterChange {
  const candidate = { ...charter, principals: charter.principals.map(update) };
  const result = charterSchema.safeParse(candidate);
  if (!result.success) return { problem: describeIssues(result.error).join('; ') };
  return { charter: result.data };
}
