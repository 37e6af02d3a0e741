import { z } from 'zod';
import { orderKinds } from '../charter/charter-schema.ts';

export const envelopeVersion = 1;
/** Signatures cover this prefix plus the canonical JSON of the envelope without `sigs`. */
export const envelopeSignaturePrefix = 'heed-envelope-v1\n';
/** Envelopes larger than this are rejected before parsing. */
export const maxEnvelopeBytes = 64 * 1024;

export const envelopeSignatureSchema = z.strictObject({
  principal: z.string().min(1).max(64),
  alg: z.literal('ed25519'),
  /** base64url of the 64-byte signature */
  // The last character may carry only 2 bits, so each signature has exactly one accepted spelling.
  sig: z.string().regex(/^[A-Za-z0-9_-]{85}[AQgw]$/, 'must be the unpadded base64url of a 64-byte Ed25519 signature'),
});

export const envelopeSchema = z.strictObject({
  v: z.literal(envelopeVersion),
  id: z.string().min(8).max(128),
  agent: z.string().min(1).max(64),
  kind: z.enum(orderKinds),
  body: z.record(z.string(), z.unknown()),
  /** ISO-8601 UTC timestamps */
  issuedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  sigs: z.array(envelopeSignatureSchema).min(1).max(16),
});

export type Envelope = z.infer<typeof envelopeSchema>;
export type EnvelopeSignature = z.infer<typeof envelopeSignatureSchema>;
export type UnsignedEnvelope = Omit<Envelope, 'sigs'>;
