import { z } from 'zod';
import { describeIssues } from '../../core/parse-with-schema.ts';

// One zod schema per action of the server's own audit chain. Records are checked against them when they are
// appended (a record that does not fit is a bug, and nothing is written), and `verifyServerAudit` checks them again.

const text = z.string();
const count = z.int().nonnegative();
const seq = z.int().positive();
const hash = z.string().regex(/^[0-9a-f]{64}$/);

export const serverAuditActionSchemas = {
  'agent-registered': z.strictObject({
    runId: text,
    charterHash: hash,
    groups: z.array(text),
    /** The agent's key as now pinned; null for a keyless agent (only with `allowKeylessAgents`). */
    publicKey: text.nullable(),
    /** `new`: first registration (the key is pinned); `same-key`: again with the pinned key; `rotated`: a new key
     * signed by the pinned one. */
    registration: z.enum(['new', 'same-key', 'rotated']),
    resumeAfter: count,
  }),
  'order-stream-opened': z.strictObject({ after: count }),
  'order-submitted': z.strictObject({
    seq,
    target: text,
    kind: text,
    id: text,
    signers: z.array(text),
  }),
  'audit-ingested': z.strictObject({ events: count, added: count }),
  'anchor-ingested': z.strictObject({ seq, hash }),
  'agents-listed': z.strictObject({ count }),
  'agent-audit-read': z.strictObject({ agent: text, after: count, count }),
  'audit-stream-opened': z.strictObject({ agent: text.nullable(), after: count }),
  'principal-authenticated': z.strictObject({ expiresAt: text }),
  'pending-order-proposed': z.strictObject({ id: text, target: text, kind: text, signers: z.array(text) }),
  'pending-orders-listed': z.strictObject({ count }),
  'pending-order-read': z.strictObject({ id: text }),
  'pending-order-cosigned': z.strictObject({ id: text, signers: z.array(text) }),
  /** `quorum`: submitted because the registered rule was met; otherwise on request. */
  'pending-order-submitted': z.strictObject({ id: text, seq, quorum: z.boolean() }),
  'pending-order-withdrawn': z.strictObject({ id: text }),
  'checks-listed': z.strictObject({ agent: text.optional(), count }),
  'request-refused': z.strictObject({
    action: text,
    status: z.int().min(400).max(599),
    detail: text,
    suppressedBefore: count.optional(),
  }),
} as const;

export type ServerAuditAction = keyof typeof serverAuditActionSchemas;
export type ServerAuditData<A extends ServerAuditAction> = z.infer<(typeof serverAuditActionSchemas)[A]>;

/** Why a record does not fit its action's schema, or undefined when it does. */
export function serverAuditProblem(action: string, data: unknown): string | undefined {
  const schema = (serverAuditActionSchemas as Record<string, z.ZodType | undefined>)[action];
  if (schema === undefined) return `unknown server audit action '${action}'`;
  const parsed = schema.safeParse(data);
  if (parsed.success) return undefined;
  return `'${action}' data: ${describeIssues(parsed.error).join('; ')}`;
}
