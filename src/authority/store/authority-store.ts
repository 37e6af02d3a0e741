import type { Charter } from '../../charter/charter-schema.ts';
import type { AuthorityState } from '../authority-state.ts';
import type { Envelope } from '../envelope.ts';

// The seams of the authority's storage, as types only: the durable record an agent's authority is restored from.

export const defaultStatePath = '.heed/heed.db';

/**
 * Ids of accepted envelopes, for replay protection. Only accepted envelopes are ever recorded. An id may be
 * forgotten once its envelope could no longer verify anyway (expired, beyond the clock skew and a margin), so
 * the store does not grow without bound on an agent that renews its lease every minute for years.
 */
export interface SeenOrderStore {
  has(id: string): boolean;
  /** `forgetAfter` (ms since the epoch): when the id may be dropped; kept for ever when absent. */
  add(id: string, seenAt: number, forgetAfter?: number): void;
  /** Drops the ids whose `forgetAfter` is before `now`; returns how many. `add` also does this now and then. */
  prune(now: number): number;
  close(): void;
}

/** Where an agent's authority began: the charter it first ran under, and when (the lease and silence clocks start). */
export interface AuthorityGenesis {
  charter: Charter;
  createdAt: number;
}

/**
 * One step of an agent's authority history, in the order it happened:
 * - `order`: an accepted envelope, with the signers verification counted, received at `at`;
 * - `time`: time alone changed something at `at` (a succession's time-lock ended);
 * - `start`: a new run began at `at`; tasks belong to the run that received them, so none is held any more.
 */
export type AuthorityJournalEntry =
  | { kind: 'order'; at: number; envelope: Envelope; signers: string[] }
  | { kind: 'time'; at: number }
  | { kind: 'start'; at: number };

export interface StoredAuthority {
  genesis: AuthorityGenesis;
  /** The state after entry `seq`, kept now and then so a restart replays only what followed. */
  snapshot: { seq: number; state: AuthorityState } | null;
  /** The entries after the snapshot (all of them without one), oldest first. */
  entries: AuthorityJournalEntry[];
  /** How many entries the journal holds in all. */
  length: number;
}

/** The state store: seen ids plus, per agent, the genesis and journal its authority is replayed from. */
export interface AuthorityStore extends SeenOrderStore {
  /** The agent's stored authority, or undefined when it has never run against this store. */
  load(agent: string): StoredAuthority | undefined;
  /** Records where an agent's authority begins; refuses an agent that already has one. */
  begin(genesis: AuthorityGenesis): void;
  /**
   * Appends one journal entry for `agent`, atomically with the id of an accepted order as seen (`forgetAfter`
   * as for `add`). `stateAfter` is the state the entry led to; the store keeps it as a snapshot now and then.
   */
  append(agent: string, entry: AuthorityJournalEntry, stateAfter: AuthorityState, forgetAfter?: number): void;
}

/** Every this many journal entries, a store keeps a snapshot: a restart replays fewer than this many. */
export const snapshotEvery = 64;

/** Every this many additions, a store prunes the seen ids it may forget. */
export const pruneEvery = 1000;
