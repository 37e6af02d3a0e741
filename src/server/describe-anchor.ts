import type { AgentRecord, ServerStore } from './store/server-store.ts';

/**
 * The shipped chain against the agent's last signed checkpoint (its signature was checked against the pinned key when
 * it was shipped): `reached` when the entry it seals is here with the hash it signed, `behind` when that entry is
 * missing (a cut tail, or entries not shipped yet), `mismatch` when it is here with another hash.
 */
export type AnchorVerification =
  | { status: 'none' }
  | { status: 'reached' | 'behind' | 'mismatch'; seq: number; covers: number };

export async function describeAnchor(store: ServerStore, agent: AgentRecord): Promise<AnchorVerification> {
  const anchor = agent.anchor;
  if (anchor === null) return { status: 'none' };
  const covers = anchor.seq - 1;
  const found = await store.readAgentEvents(agent.id, covers - 1, 2);
  const sealed = found.find((stored) => stored.seq === covers);
  const checkpoint = found.find((stored) => stored.seq === anchor.seq);
  if (sealed === undefined) return { status: 'behind', seq: anchor.seq, covers };
  const matches =
    sealed.entry.hash === anchor.head && (checkpoint === undefined || checkpoint.entry.hash === anchor.hash);
  return { status: matches ? 'reached' : 'mismatch', seq: anchor.seq, covers };
}
