import { z } from 'zod';
import { envelopeSchema } from '../authority/envelope.ts';
import { authorityRuleSchema } from '../charter/charter-schema.ts';
import { shippedAnchorSchema } from '../kernel/fleet/fleet-protocol.ts';

// The shapes of the API's own bodies and answers, beside those the agents' wire shares (fleet-protocol.ts) and the
// envelope: the routes parse with them, their types come from them, and the OpenAPI document is generated from them.

/** A principal asks for a challenge to log in with; an agent, for one to sign its registration with. */
export const challengeRequestSchema = z.union([
  z.strictObject({ principal: z.string().min(1).max(64) }),
  z.strictObject({ agent: z.string().min(1).max(64) }),
]);
export const challengeAnswerSchema = z.object({ challenge: z.string(), expiresAt: z.iso.datetime() });
export const tokenRequestSchema = z.strictObject({
  principal: z.string().min(1).max(64),
  challenge: z.string().min(1).max(128),
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be the unpadded base64url of a 64-byte Ed25519 signature'),
});
export const tokenAnswerSchema = z.object({ token: z.string(), expiresAt: z.iso.datetime() });
export const errorAnswerSchema = z.object({ error: z.string() });

export const submittedOrderSchema = z.object({
  seq: z.int().positive(),
  target: z.string(),
  id: z.string(),
  /** For a fleet order: how many registered agents list the group. */
  members: z.int().optional(),
});

export const listedAgentSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'halted', 'unknown']),
  connected: z.boolean(),
  groups: z.array(z.string()),
  roles: z.array(z.string()),
  authority: z.record(z.string(), authorityRuleSchema),
  /** The charter's target profile (`if-ranked`, …); null for an agent that registered none. */
  target: z.string().nullable(),
  lastSeen: z.string(),
  charterHash: z.string(),
  publicKey: z.string().nullable(),
  runId: z.string(),
  registeredAt: z.string(),
  /** Orders up to this sequence were stored before the agent first registered. */
  resumeAfter: z.int(),
  /** The latest signed checkpoint the agent shipped. */
  anchor: shippedAnchorSchema.nullable(),
});

export const pendingOrderSchema = z.object({
  /** The envelope's id. */
  id: z.string(),
  /** An agent id, or `group:<name>`. */
  target: z.string(),
  kind: z.string(),
  /** The envelope with the signatures gathered so far. */
  envelope: envelopeSchema,
  signers: z.array(z.string()),
  required: z.object({
    roles: authorityRuleSchema.shape.roles,
    quorum: z.union([z.int(), z.literal('majority'), z.literal('all')]),
    /** Principals whose roles qualify (on every member, for a group). */
    eligible: z.array(z.string()),
    /** How many distinct eligible principals must sign. */
    needed: z.int(),
  }),
  /** Eligible principals who have not signed yet. */
  missing: z.array(z.string()),
  proposedBy: z.string(),
  proposedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  status: z.enum(['pending', 'submitted', 'withdrawn', 'expired']),
  /** The order's sequence number, once submitted. */
  seq: z.int().optional(),
});
export type PendingOrder = z.infer<typeof pendingOrderSchema>;

export const pendingCheckSchema = z.object({
  agent: z.string(),
  /** The model's id for the tool call. */
  call: z.string(),
  tool: z.string(),
  /** The action's hash: what an `approve` or `deny` order names. */
  action: z.string(),
  input: z.record(z.string(), z.unknown()),
  /** The model's prediction of the outcome. */
  prediction: z.string(),
  expiresAt: z.string(),
  requestedAt: z.string(),
  /** The policy's reason for asking, when its decision was shipped. */
  rule: z.string().nullable(),
  /** What the model said in the turn that proposed the call, when shipped and not empty. */
  reasoning: z.string().optional(),
});
export type PendingCheck = z.infer<typeof pendingCheckSchema>;
