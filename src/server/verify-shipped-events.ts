import { hashFields } from '../audit/audit-record.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import type { ServerStore } from './store/server-store.ts';

export type ShippedVerification =
  | { status: 'verified'; from: number; to: number }
  | { status: 'gap'; missing: number }
  | { status: 'broken'; seq: number; detail: string }
  | { status: 'empty' };

/**
 * Checks shipped entries as the server holds them, one at a time in seq order: each hash recomputes from its fields,
 * and each entry's prev is the hash of the one before. A gap (an entry never shipped) is reported as such, not as
 * tampering. Once a gap or a break is found, later entries change nothing.
 */
export class ShippedChainVerifier {
  #result: ShippedVerification = { status: 'empty' };
  #previous: { seq: number; hash: unknown } | undefined;

  /** The seq of the last entry that verified, 0 before any. */
  get through(): number {
    return this.#previous?.seq ?? 0;
  }

  result(): ShippedVerification {
    return this.#result;
  }

  add(entry: Record<string, unknown>): ShippedVerification {
    const current = this.#result;
    if (current.status === 'gap' || current.status === 'broken') return current;
    const seq = entry.seq as number;
    const hash = hashFields(
      seq,
      entry.at as string,
      entry.agent as string,
      entry.type as string,
      canonicalJson(entry.data),
      entry.prev as string,
    );
    const previous = this.#previous;
    if (hash !== entry.hash) this.#result = { status: 'broken', seq, detail: 'the hash does not match the entry' };
    else if (previous !== undefined && seq !== previous.seq + 1)
      this.#result = { status: 'gap', missing: previous.seq + 1 };
    else if (previous !== undefined && entry.prev !== previous.hash) {
      this.#result = { status: 'broken', seq, detail: 'prev is not the hash of the entry before' };
    } else {
      this.#previous = { seq, hash: entry.hash };
      this.#result = { status: 'verified', from: current.status === 'verified' ? current.from : seq, to: seq };
    }
    return this.#result;
  }
}

export function verifyShippedEvents(entries: ReadonlyArray<Record<string, unknown>>): ShippedVerification {
  const verifier = new ShippedChainVerifier();
  for (const entry of entries) verifier.add(entry);
  return verifier.result();
}

/** Verifies an agent's whole shipped chain, page by page, and returns the verifier to carry on with. */
export async function verifyAgentChain(store: ServerStore, agent: string): Promise<ShippedChainVerifier> {
  const verifier = new ShippedChainVerifier();
  let after = 0;
  for (;;) {
    const page = await store.readAgentEvents(agent, after, 1000);
    for (const stored of page) verifier.add(stored.entry);
    const status = verifier.result().status;
    if (page.length < 1000 || status === 'gap' || status === 'broken') return verifier;
    after = page.at(-1)!.seq;
  }
}
