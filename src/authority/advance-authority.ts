import { principalRank } from '../charter/charter-schema.ts';
import type { AuthorityChange } from './authority-effect.ts';
import type { AuthorityState } from './authority-state.ts';
import { changeRoster } from './change-roster.ts';

/** Applies the changes that time alone brings: successions whose time-lock has ended take effect. */
export function advanceAuthority(
  state: AuthorityState,
  now: number,
): { state: AuthorityState; changes: AuthorityChange[] } {
  const due = state.successions.filter((succession) => succession.completesAt <= now);
  if (due.length === 0) return { state, changes: [] };
  let next: AuthorityState = {
    ...state,
    successions: state.successions.filter((succession) => !due.includes(succession)),
  };
  const changes: AuthorityChange[] = [];
  for (const succession of due) {
    const silent = next.charter.principals.find((principal) => principal.id === succession.for);
    const successor = next.charter.principals.find((principal) => principal.id === succession.successor);
    const claim = succession.claimId;
    if (silent === undefined || silent.revoked || successor === undefined || successor.revoked) {
      changes.push({
        effect: { type: 'none' },
        explanation: `Succession claim ${claim} lapsed: '${succession.successor}' or '${succession.for}' is no longer an active principal.`,
      });
      continue;
    }
    const rank = Math.min(principalRank(successor), principalRank(silent));
    const roles = [...new Set([...successor.roles, ...silent.roles])];
    const changed = changeRoster(next.charter, (principal) => {
      if (principal.id === silent.id) return { ...principal, revoked: true };
      if (principal.id === successor.id) return { ...principal, roles, rank };
      return principal;
    });
    if ('problem' in changed) {
      changes.push({
        effect: { type: 'none' },
        explanation: `Succession claim ${claim} could not complete: the resulting charter would be invalid (${changed.problem}).`,
      });
      continue;
    }
    next = {
      ...next,
      charter: changed.charter,
      successions: next.successions.filter((other) => other.for !== silent.id),
    };
    changes.push({
      effect: { type: 'succession-completed', claim, successor: successor.id, for: silent.id },
      explanation: `The time-lock on claim ${claim} ended without a veto: '${successor.id}' now holds the roles [${roles.join(', ')}] at rank ${rank}, and '${silent.id}' is revoked.`,
    });
  }
  return { state: next, changes };
}
