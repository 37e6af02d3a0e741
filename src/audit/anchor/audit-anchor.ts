import { z } from 'zod';
import type { AuditEntry } from '../audit-event.ts';

export const anchorSchemaVersion = 1;

/**
 * One anchored checkpoint: the seq and hash of a `checkpoint` entry (which seals every entry before it), the agent
 * whose log it is and the key that signed it. Written where the writer can only append; an auditor later checks the
 * log against it (`heed audit verify --anchor FILE`).
 */
export const anchorRecordSchema = z.strictObject({
  schemaVersion: z.literal(anchorSchemaVersion),
  agent: z.string().min(1),
  seq: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: z.string().nullable(),
  at: z.string(),
});
export type AnchorRecord = z.infer<typeof anchorRecordSchema>;

/** A sink for anchor records that the log's writer cannot rewrite: an append-only file, a witness server. */
export interface AuditAnchor {
  /**
   * Called after each commit that wrote checkpoints, with the record and (from the writer) the `checkpoint` entry (its signature
   * is in its data); a throw fails the writer closed, like a failed commit.
   */
  append(record: AnchorRecord, checkpoint?: AuditEntry): void;
  /** Delivers what is pending; never throws. */
  close(): Promise<void>;
}
