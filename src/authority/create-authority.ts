import type { Charter } from '../charter/charter-schema.ts';
import type { Clock } from '../core/clock.ts';
import { advanceAuthority } from './advance-authority.ts';
import type { AuthorityChange, AuthorityEffect } from './authority-effect.ts';
import { type AuthorityState, initialAuthorityState, type LeaseStatus, leaseStatusOf } from './authority-state.ts';
import { processReadEnvelopes } from './read-envelope.ts';
import { reduceAuthority } from './reduce-authority.ts';
import { applyJournalEntry, checkCharterAgreement, replayAuthority } from './restore-authority.ts';
import { rosterIndex } from './roster-index.ts';
import type { AuthorityJournalEntry, AuthorityStore } from './store/authority-store.ts';
import { processVerifiedSignatures } from './verified-signatures.ts';
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
  /**
   * Verify → reduce → journal (with the id as seen) → apply. A rejected envelope changes nothing and is not
   * recorded. Throws only when the state store cannot be written; the order then changes nothing either.
   */
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
  /**
   * The charter the agent runs under. For an agent the store already holds, it must be the charter it began with or
   * the one it holds now; its authority is then restored from the store, not started afresh.
   */
  charter: Charter;
  clock: Clock;
  /** Where the authority's history is kept and restored from: seen ids, genesis and journal. */
  store: AuthorityStore;
  /** Told of each change that time alone brings, whether found by `receive`, `state` or `leaseStatus`. */
  onTimedChange?: (change: AuthorityChange) => void;
}

const seenOrderMarginMs = 86_400_000;

/**
 * The stateful facade the kernel holds: one per agent. An agent new to its store starts with a fresh lease at
 * creation time; one the store holds is restored by replaying its journal (its stop, roster, lease and silence
 * clocks, successions and approvals carry over), and starts a new run holding no task.
 */
export function createAuthority(options: CreateAuthorityOptions): Authority {
  const { clock, store } = options;
  const agent = options.charter.agent;
  let untaken: AuthorityChange[] = [];
  const journal = (entry: AuthorityJournalEntry, after: AuthorityState, forgetAfter?: number): void =>
    store.append(agent, entry, after, forgetAfter);

  const stored = store.load(agent);
  const startedAt = clock.now();
  let current: AuthorityState;
  if (stored === undefined) {
    store.begin({ charter: options.charter, createdAt: startedAt });
    current = initialAuthorityState(options.charter, startedAt);
  } else {
    current = replayAuthority(stored);
    checkCharterAgreement(options.charter, stored, current);
  }

  const advance = (now: number): AuthorityChange[] => {
    const { state, changes } = advanceAuthority(current, now);
    if (changes.length === 0) return changes;
    try {
      journal({ kind: 'time', at: now }, state);
    } catch {
      // Replay recomputes time's changes at the next entry anyway; the entry only spares a restart from reporting
      // them twice. A store that cannot be written fails the next order, which halts the kernel.
    }
    current = state;
    for (const change of changes) {
      untaken.push(change);
      options.onTimedChange?.(change);
    }
    return changes;
  };

  if (stored !== undefined) {
    // What time brought while the agent was not running is reported like any other timed change.
    advance(startedAt);
    const start: AuthorityJournalEntry = { kind: 'start', at: startedAt };
    const started = applyJournalEntry(current, start);
    journal(start, started);
    current = started;
  }

  return {
    receive(input) {
      const now = clock.now();
      const timed = advance(now);
      const verification = verifyEnvelope(input, {
        charter: current.charter,
        now,
        isSeen: (id) => store.has(id),
        signatures: processVerifiedSignatures,
        envelopes: processReadEnvelopes,
      });
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
      const reduction = reduceAuthority(current, verification, now);
      const { envelope, signers } = verification;
      journal({ kind: 'order', at: now, envelope, signers }, reduction.state, forgetAfter);
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
