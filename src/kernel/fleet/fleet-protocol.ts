import { z } from 'zod';
import { auditEventTypes } from '../../audit/audit-event.ts';
import { authorityRulesSchema, publicKeySchema } from '../../charter/charter-schema.ts';

// The wire between an agent and `heed serve`: both sides parse with these schemas.

const agentName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be an agent id (1-64 letters, digits, . _ -)');
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a sha256)');

/** What an agent tells the server when it joins: public facts of its charter, never a secret. */
export const agentRegistrationSchema = z.strictObject({
  agent: agentName,
  /** The agent's own key (signs its audit checkpoints), when it has one. */
  publicKey: publicKeySchema.nullable(),
  charterHash: hex64,
  groups: z.array(agentName).max(64),
  /** The charter's roster: who may read and act on this agent through the server, and in which roles. */
  principals: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(64),
        key: publicKeySchema,
        roles: z.array(z.string().max(64)).max(32),
      }),
    )
    .min(1)
    .max(64),
  runId: z.string().min(1).max(128),
  /**
   * The charter's order rules (roles and quorum per kind), so the server can show who must co-sign a pending order.
   * Public facts for display only: the agent decides every order itself. Missing kinds take the charter defaults.
   */
  authority: authorityRulesSchema.prefault({}),
});
export type AgentRegistration = z.infer<typeof agentRegistrationSchema>;

export const shippedAuditEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.string().min(1).max(64),
  agent: agentName,
  type: z.enum(auditEventTypes),
  data: z.record(z.string(), z.unknown()),
  prev: hex64,
  hash: hex64,
});

/** The most audit entries one ingest call may carry. */
export const maxAuditBatch = 500;

export const auditBatchSchema = z.strictObject({
  events: z.array(shippedAuditEntrySchema).min(1).max(maxAuditBatch),
});
export type AuditBatch = z.infer<typeof auditBatchSchema>;

/** The SSE event name an order travels under; its id is the order's sequence number, its data the envelope. */
export const orderStreamEvent = 'order';
