import { genesisHash, hashFields } from '../../audit/audit-record.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { ServerAuditEntry, ServerAuditInput } from './server-store.ts';

/**
 * The next link of the server's own audit chain, hashed exactly as agent audit entries are (the actor in the
 * `agent` field, the action in `type`), so one verifier reads both.
 */
export function chainServerAudit(
  input: ServerAuditInput,
  at: string,
  head: { seq: number; hash: string } | undefined,
): ServerAuditEntry & { dataJson: string } {
  const seq = (head?.seq ?? 0) + 1;
  const prev = head?.hash ?? genesisHash;
  const dataJson = canonicalJson(input.data);
  const hash = hashFields(seq, at, input.actor, input.action, dataJson, prev);
  return { seq, at, actor: input.actor, action: input.action, data: input.data, dataJson, prev, hash };
}

/** Checks every link: each hash recomputes and each prev is the hash before it. Returns the first broken seq. */
export function verifyServerAudit(entries: readonly ServerAuditEntry[]): { ok: true } | { ok: false; seq: number } {
  let prev = genesisHash;
  let expectedSeq = 1;
  for (const entry of entries) {
    const hash = hashFields(entry.seq, entry.at, entry.actor, entry.action, canonicalJson(entry.data), entry.prev);
    if (entry.seq !== expectedSeq || entry.prev !== prev || entry.hash !== hash) return { ok: false, seq: entry.seq };
    prev = entry.hash;
    expectedSeq += 1;
  }
  return { ok: true };
}
