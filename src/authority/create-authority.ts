import type { Charter } from '../charter/charter-schema.ts';
import type { Clock } from '../core/clock.ts';
import { advanceAuthority } from './advance-authority.ts';
import type { AuthorityChange, AuthorityEffect } from './authority-effect.ts';
import { type AuthorityState, initialAuthorityState, type LeaseStatus, leaseStatusOf } from './authority-state.ts';
import { reduceAuthority } from './reduce-authority.ts';
import { rosterIndex } from './roster-index.ts';
import type { SeenOrderStore } from './seen-order-store.ts';
import { type Verification, verifyEnvelope } from './verify-envelope.ts';

export interface OrderDecision {
  verification: Verification;
  /** Present when the envelope was accepted. */
  effect?: AuthorityEffect;
  explanation: string;
  /** Changes that came due with time (a succession's time-lock ending) before this order was considered. */
  timed: AuthorityChange[];
}

export interface Authority {
  /** Verify → record as seen → reduce. A rejected envelope changes nothing and is not recorded. */
  receive(input: unknown): OrderDecision;
  /** The state as of `now` (default: the clock), after any changes that time has brought. */
  state(now?: number): AuthorityState;
  leaseStatus(now?: number): LeaseStatus;
  charter(): Charter;
  /**
   * The changes time alone has brought since the last call (whichever of `receive`, `state` or `leaseStatus`
   * found them), oldest first; each is returned once. The kernel writes them to its audit log.
   */
  takeTimedChanges(): AuthorityChange[];
}

export interface CreateAuthorityOptions {
  charter: Charter;
  clock: Clock;
  seen: SeenOrderStore;
  /** Told of each change that time alone brings, whether found by `receive`, `state` or `leaseStatus`. */
  onTimedChange?: (change: AuthorityChange) => void;
}

const seenOrderMarginMs = 86_400_000;

/** The stateful facade the kernel holds: one per agent, starting with a fresh lease at creation time. */
export function createAuthority(options: CreateAuthorityOptions): Authority {
  const { clock, seen } = options;
  let current = initialAuthorityState(options.charter, clock.now());
  let untaken: AuthorityChange[] = [];

  const advance = (now: number): AuthorityChange[] => {
    const { state, changes } = advanceAuthority(current, now);
    current = state;
    for (const change of changes) {
      untaken.push(change);
      options.onTimedChange?.(change);
    }
    return changes;
  };

  return {
    receive(input) {
      const now = clock.now();
      const timed = advance(now);
      const verification = verifyEnvelope(input, { charter: current.charter, now, isSeen: (id) => seen.has(id) });
      if (!verification.accepted) {
        const id = verification.id === undefined ? '' : ` ${verification.id}`;
        return {
          verification,
          explanation: `order${id} rejected (${verification.reason}): ${verification.detail}. Nothing changed.`,
          timed,
        };
      }
      // Once expired beyond the skew (and a day's margin for a clock set back), the envelope cannot verify again.
      const forgetAfter =
        Date.parse(verification.envelope.expiresAt) + rosterIndex(current.charter).skewMs + seenOrderMarginMs;
      seen.add(verification.envelope.id, now, forgetAfter);
      const reduction = reduceAuthority(current, verification, now);
      current = reduction.state;
      return { verification, effect: reduction.effect, explanation: reduction.explanation, timed };
    },
    state(now = clock.now()) {
      advance(now);
      return current;
    },
    leaseStatus(now = clock.now()) {
      advance(now);
      return leaseStatusOf(current, now);
    },
    charter() {
      return current.charter;
    },
    takeTimedChanges() {
      if (untaken.length === 0) return [];
      const changes = untaken;
      untaken = [];
      return changes;
    },
  };
}
