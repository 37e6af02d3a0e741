import { InvalidInputError } from '../../core/heed-error.ts';
import type { AuthorityState } from '../authority-state.ts';
import {
  type AuthorityGenesis,
  type AuthorityJournalEntry,
  type AuthorityStore,
  pruneEvery,
  type StoredAuthority,
  snapshotEvery,
} from './authority-store.ts';

interface MemoryAgent {
  genesis: AuthorityGenesis;
  entries: AuthorityJournalEntry[];
  snapshot: { seq: number; state: AuthorityState } | null;
}

/**
 * The state store in memory: for evals, tests and `heed authority explain`. It survives a new authority (or kernel)
 * made over it in the same process, which is how tests restart an agent; nothing survives the process.
 */
export function createMemoryAuthorityStore(): AuthorityStore {
  const seen = new Map<string, { seenAt: number; forgetAfter: number | undefined }>();
  const agents = new Map<string, MemoryAgent>();
  let additions = 0;
  const store: AuthorityStore = {
    has: (id) => seen.has(id),
    add: (id, seenAt, forgetAfter) => {
      if (!seen.has(id)) seen.set(id, { seenAt, forgetAfter });
      additions += 1;
      if (additions % pruneEvery === 0) store.prune(seenAt);
    },
    prune: (now) => {
      let dropped = 0;
      for (const [id, entry] of seen) {
        if (entry.forgetAfter !== undefined && entry.forgetAfter < now) {
          seen.delete(id);
          dropped += 1;
        }
      }
      return dropped;
    },
    load(agent): StoredAuthority | undefined {
      const stored = agents.get(agent);
      if (stored === undefined) return undefined;
      const from = stored.snapshot?.seq ?? 0;
      return {
        genesis: stored.genesis,
        snapshot: stored.snapshot,
        entries: stored.entries.slice(from),
        length: stored.entries.length,
      };
    },
    begin(genesis) {
      if (agents.has(genesis.charter.agent)) {
        throw new InvalidInputError(`Agent '${genesis.charter.agent}' already has an authority in this state store.`);
      }
      agents.set(genesis.charter.agent, { genesis, entries: [], snapshot: null });
    },
    append(agent, entry, stateAfter, forgetAfter) {
      const stored = agents.get(agent);
      if (stored === undefined) throw new InvalidInputError(`Agent '${agent}' has no authority in this state store.`);
      if (entry.kind === 'order') store.add(entry.envelope.id, entry.at, forgetAfter);
      stored.entries.push(entry);
      if (stored.entries.length % snapshotEvery === 0) {
        stored.snapshot = { seq: stored.entries.length, state: stateAfter };
      }
    },
    close: () => {},
  };
  return store;
}
