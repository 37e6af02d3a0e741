import { InvalidInputError } from '../core/heed-error.ts';
import { type AuditChainHead, genesisHash } from './audit-record.ts';

/**
 * Refuses to open a log whose head row (written in the same transaction as every batch) does not name its last
 * entry: entries were removed or added outside heed, and appending would extend a chain that no longer verifies.
 */
export function checkHeadRow(
  head: AuditChainHead,
  last: { seq: number; hash: string } | undefined,
  where: string,
): void {
  const lastSeq = last?.seq ?? 0;
  const lastHash = last?.hash ?? genesisHash;
  if (head.seq === lastSeq && head.hash === lastHash) return;
  throw new InvalidInputError(
    `The audit log ${where} does not end where its head row says: the head records seq ${head.seq}, the last entry is seq ${lastSeq}${head.seq === lastSeq ? ' with another hash' : ''}. Entries were removed, added or changed outside heed, so heed will not append to it. Run 'heed audit verify' to see what changed, and keep the file as evidence; start the agent with a new state folder.`,
    { code: 'audit-damaged' },
  );
}
