import type { KeyObject } from 'node:crypto';
import type { OrderKind } from '../charter/charter-schema.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { signBytes } from '../core/ed25519.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import { newId } from '../core/ids.ts';
import { parseWithSchema } from '../core/parse-with-schema.ts';
import {
  type Envelope,
  envelopeSchema,
  envelopeSignaturePrefix,
  envelopeVersion,
  maxEnvelopeBytes,
  type UnsignedEnvelope,
} from './envelope.ts';
import { orderBodySchemas } from './order-bodies.ts';

/** The bytes every signature covers: a domain-separation prefix plus the RFC 8785 form of the envelope without `sigs`. */
export function envelopeSigningBytes(unsigned: UnsignedEnvelope): Buffer {
  // The top-level keys are fixed, so they are written in RFC 8785 order (sorted by UTF-16 code units) directly;
  // JSON.stringify of a string is RFC 8785's string form. A test checks this equals canonicalJson of the whole.
  const { v, id, agent, kind, body, issuedAt, expiresAt } = unsigned;
  const text =
    `{"agent":${JSON.stringify(agent)},"body":${canonicalJson(body)},"expiresAt":${JSON.stringify(expiresAt)},` +
    `"id":${JSON.stringify(id)},"issuedAt":${JSON.stringify(issuedAt)},"kind":${JSON.stringify(kind)},"v":${canonicalJson(v)}}`;
  return Buffer.from(envelopeSignaturePrefix + text, 'utf8');
}

export interface CreateEnvelopeOptions {
  agent: string;
  kind: OrderKind;
  body: unknown;
  /** Lifetime in milliseconds: expiresAt = issuedAt + ttlMs. */
  ttlMs: number;
  /** issuedAt, in milliseconds since the epoch. */
  now: number;
  id?: string;
}

// Built once: every zod schema object compiles its own parser on first use, which costs far more than a parse.
const unsignedEnvelopeSchema = envelopeSchema.omit({ sigs: true });

/** Builds an unsigned envelope; throws InvalidInputError naming the field when the body does not fit its kind. */
export function createEnvelope(options: CreateEnvelopeOptions): UnsignedEnvelope {
  if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0) {
    throw new InvalidInputError(`Invalid ttl ${options.ttlMs}: an order's lifetime must be a positive duration.`);
  }
  const bodySchema = orderBodySchemas[options.kind];
  if (bodySchema === undefined) throw new InvalidInputError(`Unknown order kind '${String(options.kind)}'.`);
  parseWithSchema(bodySchema, options.body, `body of a '${options.kind}' order`);
  const unsigned: UnsignedEnvelope = {
    v: envelopeVersion,
    id: options.id ?? newId(),
    agent: options.agent,
    kind: options.kind,
    body: options.body as Record<string, unknown>,
    issuedAt: new Date(options.now).toISOString(),
    expiresAt: new Date(options.now + options.ttlMs).toISOString(),
  };
  parseWithSchema(unsignedEnvelopeSchema, unsigned, 'envelope');
  return unsigned;
}

export interface Signer {
  principal: string;
  privateKey: KeyObject;
}

function signatureOf(unsigned: UnsignedEnvelope, signer: Signer): Envelope['sigs'][number] {
  const signature = signBytes(signer.privateKey, envelopeSigningBytes(unsigned));
  return { principal: signer.principal, alg: 'ed25519', sig: Buffer.from(signature).toString('base64url') };
}

export function signEnvelope(unsigned: UnsignedEnvelope, signer: Signer): Envelope {
  const { v, id, agent, kind, body, issuedAt, expiresAt } = unsigned;
  const envelope: Envelope = { v, id, agent, kind, body, issuedAt, expiresAt, sigs: [signatureOf(unsigned, signer)] };
  checkSize(envelope);
  return envelope;
}

/** Adds one more principal's signature (a co-signature toward a quorum). */
export function cosignEnvelope(envelope: Envelope, signer: Signer): Envelope {
  const signed: Envelope = { ...envelope, sigs: [...envelope.sigs, signatureOf(envelope, signer)] };
  parseWithSchema(envelopeSchema, signed, 'envelope');
  checkSize(signed);
  return signed;
}

function checkSize(envelope: Envelope): void {
  const size = Buffer.byteLength(JSON.stringify(envelope));
  if (size > maxEnvelopeBytes) {
    throw new InvalidInputError(`The envelope would be ${size} bytes; envelopes are limited to ${maxEnvelopeBytes}.`);
  }
}

export interface SignOrderOptions extends Signer {
  agent: string;
  kind: OrderKind;
  body?: Record<string, unknown>;
  /** Lifetime in milliseconds (default 10 minutes). */
  ttlMs?: number;
  /** issuedAt in milliseconds since the epoch (default now). */
  now?: number;
}

/** A principal's signed order in one call: `createEnvelope` then `signEnvelope`. */
export function signOrder(options: SignOrderOptions): Envelope {
  const unsigned = createEnvelope({
    agent: options.agent,
    kind: options.kind,
    body: options.body ?? {},
    ttlMs: options.ttlMs ?? 10 * 60_000,
    now: options.now ?? Date.now(),
  });
  return signEnvelope(unsigned, { principal: options.principal, privateKey: options.privateKey });
}
