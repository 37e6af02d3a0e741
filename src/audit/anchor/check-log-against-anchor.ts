import { existsSync } from 'node:fs';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { AuditStore } from '../audit-event.ts';
import { readAnchorFile } from './read-anchor-file.ts';

/**
 * Refuses to extend a log that no longer holds the last checkpoint anchored for it (its tail was cut, or it was
 * rewritten): appending would bury the damage under new entries. An absent or empty anchor file passes.
 */
export async function checkLogAgainstAnchor(store: AuditStore, anchorPath: string, agent: string): Promise<void> {
  if (!existsSync(anchorPath)) return;
  const anchors = (await readAnchorFile(anchorPath)).records.filter((record) => record.agent === agent);
  const last = anchors.at(-1);
  if (last === undefined) return;
  let found: { seq: number; hash: string } | undefined;
  for await (const entry of store.read({ from: last.seq, limit: 1 })) found = entry;
  if (found?.seq === last.seq && found.hash === last.hash) return;
  const what =
    found?.seq === last.seq
      ? `its entry ${last.seq} differs from the checkpoint anchored for it (it was rewritten)`
      : `it ends before seq ${last.seq}, a checkpoint anchored for it (its tail was cut)`;
  throw new InvalidInputError(
    `The audit log of agent '${agent}' does not match its anchor ${anchorPath}: ${what}. heed will not append to it. Run 'heed audit verify --anchor ${anchorPath}' and keep both files as evidence. If the agent was started afresh on purpose (a new or emptied state folder), the anchor belongs to the old log: move it aside too (mv ${anchorPath} ${anchorPath}.old).`,
    { code: 'audit-damaged' },
  );
}
