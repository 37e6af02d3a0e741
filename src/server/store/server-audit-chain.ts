import { genesisHash, hashFields } from '../../audit/audit-record.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import { serverAuditProblem } from './server-audit-actions.ts';
import type { ServerAuditEntry, ServerAuditInput } from './server-store.ts';

/**
 * The next link of the server's own audit chain, hashed exactly as agent audit entries are (the actor in the
 * `agent` field, the action in `type`), so one verifier reads both. A record that does not fit its action's schema
 * is refused (a bug in the caller), and nothing of its batch is written.
 */
export function chainServerAudit(
  input: ServerAuditInput,
  at: string,
  head: { seq: number; hash: string } | undefined,
): ServerAuditEntry & { dataJson: string } {
  const problem = serverAuditProblem(input.action, input.data);
  if (problem !== undefined) throw new Error(`Refusing a server audit record: ${problem}`);
  const seq = (head?.seq ?? 0) + 1;
  const prev = head?.hash ?? genesisHash;
  const dataJson = canonicalJson(input.data);
  const hash = hashFields(seq, at, input.actor, input.action, dataJson, prev);
  return { seq, at, actor: input.actor, action: input.action, data: input.data, dataJson, prev, hash };
}

/**
 * Checks every link (each hash recomputes and each prev is the hash before it) and that each record fits its
 * action's schema. Returns the first bad seq and why.
 */
export function verifyServerAudit(
  entries: readonly ServerAuditEntry[],
): { ok: true } | { ok: false; seq: number; reason: string } {
  let prev = genesisHash;
  let expectedSeq = 1;
  for (const entry of entries) {
    const hash = hashFields(entry.seq, entry.at, entry.actor, entry.action, canonicalJson(entry.data), entry.prev);
    if (entry.seq !== expectedSeq || entry.prev !== prev || entry.hash !== hash) {
      return { ok: false, seq: entry.seq, reason: 'the chain is broken here' };
    }
    const problem = serverAuditProblem(entry.action, entry.data);
    if (problem !== undefined) return { ok: false, seq: entry.seq, reason: problem };
    prev = entry.hash;
    expectedSeq += 1;
  }
  return { ok: true };
}
