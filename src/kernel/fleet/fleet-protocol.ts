import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { auditEventTypes } from '../../audit/audit-event.ts';
import { authorityRulesSchema, publicKeySchema } from '../../charter/charter-schema.ts';
import { targetProfileNames } from '../../charter/target-profile-names.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import { parsePublicKey, signBytes, verifyBytes } from '../../core/ed25519.ts';

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
  /**
   * The charter's target profile, for display. Optional with no default: an agent from before it was sent still
   * registers, and the server checks the signature over exactly what that agent signed.
   */
  target: z.enum(targetProfileNames).optional(),
});
export type AgentRegistration = z.infer<typeof agentRegistrationSchema>;

const signatureText = z
  .string()
  .regex(/^[A-Za-z0-9_-]{86}$/, 'must be the unpadded base64url of a 64-byte Ed25519 signature');

/**
 * `POST /agents`: the registration, signed by the agent's own key over a challenge the server issued (so it cannot be
 * replayed), and, when the key changes, also by the key the server pinned for the agent (a rotation).
 */
export const agentRegistrationRequestSchema = z.strictObject({
  registration: agentRegistrationSchema,
  challenge: z.string().min(1).max(128).optional(),
  signature: signatureText.optional(),
  pinnedKeySignature: signatureText.optional(),
});
export type AgentRegistrationRequest = z.infer<typeof agentRegistrationRequestSchema>;

/** What `POST /agents` answers: the token the agent's other calls carry, and where its order stream resumes. */
export const agentRegistrationAnswerSchema = z.strictObject({
  agent: agentName,
  orders: z.string(),
  token: z.string().min(1),
  expiresAt: z.string(),
  /** Orders up to this sequence number were in the store before the agent first registered: it never needs them. */
  resumeAfter: z.number().int().min(0),
  /** The server store's identity: order sequence numbers are this store's, and mean nothing to another. */
  store: z.string().min(1),
});
export type AgentRegistrationAnswer = z.infer<typeof agentRegistrationAnswerSchema>;

/** What an agent signs to register: never mistakable for a principal's login, an envelope or a checkpoint. */
export const agentRegistrationPrefix = 'heed-agent-registration-v1\n';

function registrationBytes(challenge: string, registration: AgentRegistration): Buffer {
  return Buffer.from(agentRegistrationPrefix + canonicalJson({ challenge, registration }), 'utf8');
}

export function signRegistration(privateKey: KeyObject, challenge: string, registration: AgentRegistration): string {
  return Buffer.from(signBytes(privateKey, registrationBytes(challenge, registration))).toString('base64url');
}

export function registrationSignatureVerifies(
  publicKey: string,
  challenge: string,
  registration: AgentRegistration,
  signature: string,
): boolean {
  return verifyBytes(
    parsePublicKey(publicKey),
    registrationBytes(challenge, registration),
    Buffer.from(signature, 'base64url'),
  );
}

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

/**
 * A signed audit checkpoint, shipped so the server can tell a cut tail: the checkpoint entry's seq and hash, and the
 * agent key's signature over the seq and hash it seals (`covers` = seq - 1, `head`).
 */
export const shippedAnchorSchema = z.strictObject({
  seq: z.number().int().min(2),
  hash: hex64,
  head: hex64,
  signature: signatureText,
});
export type ShippedAnchor = z.infer<typeof shippedAnchorSchema>;

/** The SSE event that renews an agent's token while its order stream is open: data `{token, expiresAt}`. */
export const tokenStreamEvent = 'token';

/** The SSE event name an order travels under; its id is the order's sequence number, its data the envelope. */
export const orderStreamEvent = 'order';
