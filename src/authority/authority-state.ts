import type { Charter } from '../charter/charter-schema.ts';
import { parseDuration } from '../core/duration.ts';

/** A task order the agent holds: current, or waiting in a conflict. */
export interface HeldTask {
  orderId: string;
  text: string;
  principals: string[];
  /** The best (lowest) rank among its signers. */
  rank: number;
  issuedAt: string;
  amendments: string[];
}

export interface PendingSuccession {
  claimId: string;
  successor: string;
  for: string;
  claimedAt: number;
  completesAt: number;
}

export interface StopRecord {
  orderId: string;
  principals: string[];
  reason?: string;
  at: number;
}

export interface ActionDecision {
  decision: 'approve' | 'deny';
  orderId: string;
  principals: string[];
  at: number;
  note?: string;
}

/** Everything the authority layer knows, as plain data: serializable, and replaced (never mutated) by the reducer. */
export interface AuthorityState {
  /** The current charter: the roster after revocations, rotations, successions and charter changes. */
  charter: Charter;
  stopped: StopRecord | null;
  task: HeldTask | null;
  /** Tasks held while the agent asks its principals which to pursue (conflict rule `ask`); empty when none. */
  conflict: HeldTask[];
  /** Signed approve/deny decisions by action hash; the latest for an action wins. */
  actions: Record<string, ActionDecision>;
  /** When the lease was last renewed (milliseconds since the epoch). */
  leaseRenewedAt: number;
  /** When each principal last signed a verified order; starts at creation time. */
  lastHeard: Record<string, number>;
  successions: PendingSuccession[];
}

export function initialAuthorityState(charter: Charter, now: number): AuthorityState {
  return {
    charter,
    stopped: null,
    task: null,
    conflict: [],
    actions: {},
    leaseRenewedAt: now,
    lastHeard: Object.fromEntries(charter.principals.map((principal) => [principal.id, now])),
    successions: [],
  };
}

export type LeaseStatus =
  | { status: 'off' }
  | { status: 'fresh'; expiresAt: number }
  | { status: 'expired'; since: number };

export function leaseStatusOf(state: AuthorityState, now: number): LeaseStatus {
  if (state.charter.lease.ttl === null) return { status: 'off' };
  const expiresAt = state.leaseRenewedAt + parseDuration(state.charter.lease.ttl);
  return now < expiresAt ? { status: 'fresh', expiresAt } : { status: 'expired', since: expiresAt };
}
