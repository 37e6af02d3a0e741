import type { Charter } from '../charter/charter-schema.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import { advanceAuthority } from './advance-authority.ts';
import { type AuthorityState, initialAuthorityState } from './authority-state.ts';
import { reduceAuthority } from './reduce-authority.ts';
import type { AuthorityJournalEntry, StoredAuthority } from './store/authority-store.ts';

/**
 * Applies one journal entry: the same steps, at the same instant, as when it happened. An order's signatures were
 * verified when it was accepted; replay takes the signers recorded then and runs only the deterministic reducer.
 */
export function applyJournalEntry(state: AuthorityState, entry: AuthorityJournalEntry): AuthorityState {
  const advanced = advanceAuthority(state, entry.at).state;
  switch (entry.kind) {
    case 'time':
      return advanced;
    case 'start':
      return { ...advanced, task: null, conflict: [] };
    case 'order':
      return reduceAuthority(advanced, { accepted: true, envelope: entry.envelope, signers: entry.signers }, entry.at)
        .state;
  }
}

/** The state a stored authority has reached: its snapshot (or genesis) with every later entry replayed. */
export function replayAuthority(stored: StoredAuthority): AuthorityState {
  let state = stored.snapshot?.state ?? initialAuthorityState(stored.genesis.charter, stored.genesis.createdAt);
  for (const entry of stored.entries) state = applyJournalEntry(state, entry);
  return state;
}

/**
 * Checks that the charter an agent is started with is the one its state store holds: the one it began with, or the
 * one it holds now (after revocations, rotations, successions and charter orders). Anything else would let whoever
 * can edit the charter file change the agent's principals without a signed `charter` order.
 */
export function checkCharterAgreement(given: Charter, stored: StoredAuthority, current: AuthorityState): void {
  const text = canonicalJson(given);
  if (text === canonicalJson(current.charter) || text === canonicalJson(stored.genesis.charter)) return;
  throw new InvalidInputError(
    `The charter for agent '${given.agent}' differs from the one its state store holds (begun ${new Date(stored.genesis.createdAt).toISOString()}, ${stored.length} journal entries). A charter changes only by a signed 'charter' order that its quorum signs; to start the agent afresh under this charter, use a new state folder (the old one keeps its revocations, rotations and stops) and move its audit anchor aside.`,
    { code: 'charter-mismatch' },
  );
}
