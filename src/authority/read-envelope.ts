import { describeIssues } from '../core/parse-with-schema.ts';
import { RecentlyUsed } from '../core/recently-used.ts';
import { jsonValueProblem } from '../core/well-formed.ts';
import { type Envelope, envelopeSchema, maxEnvelopeBytes } from './envelope.ts';
import { orderBodySchemas } from './order-bodies.ts';
import type { RejectionReason } from './rejection-reasons.ts';
import { envelopeSigningBytes } from './sign-envelope.ts';

/** An envelope as it is on its own, before any agent's charter, clock or history is consulted. */
export interface ReadEnvelope {
  envelope: Envelope;
  /** The body, checked against its kind's schema. */
  body: Record<string, unknown>;
  issuedAt: number;
  expiresAt: number;
  /** The bytes its signatures cover. */
  bytes: Buffer;
  /**
   * On a read that `ReadEnvelopes` shares: the `<principal key text> <signature>` pairs that verified over `bytes`
   * (the same bytes for every agent that receives this text, so a pair verified once holds for all).
   */
  verified?: Set<string>;
}

export interface EnvelopeRejection {
  accepted: false;
  reason: RejectionReason;
  detail: string;
  /** The envelope's id, when it had one to echo (cut to 128 characters, well-formed). */
  id?: string;
}

/**
 * Reads an order: text, bytes or an object handed over in process. Checks, in order: size, JSON, shape, the body's
 * schema for its kind, that it expires after it was issued, well-formedness, and that it has a signable form. Pure.
 */
export function readEnvelope(input: unknown): ReadEnvelope | EnvelopeRejection {
  const decoded = decode(input);
  if ('reason' in decoded) return decoded;
  const value = decoded.value;
  const rawId =
    typeof value === 'object' && value !== null && 'id' in value ? (value as { id: unknown }).id : undefined;
  // The id is echoed in the rejection (and so in the audit log): well-formed, whatever the sender wrote.
  const id = typeof rawId === 'string' ? rawId.slice(0, 128).toWellFormed() : undefined;
  const reject = (reason: RejectionReason, detail: string): EnvelopeRejection =>
    id === undefined ? { accepted: false, reason, detail } : { accepted: false, reason, detail, id };

  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) return reject('malformed', describeIssues(parsed.error).join('; '));
  const envelope = parsed.data;
  const body = orderBodySchemas[envelope.kind].safeParse(envelope.body);
  if (!body.success) {
    return reject(
      'malformed',
      describeIssues(body.error)
        .map((issue) => `body.${issue}`)
        .join('; '),
    );
  }
  const issuedAt = Date.parse(envelope.issuedAt);
  const expiresAt = Date.parse(envelope.expiresAt);
  if (!(expiresAt > issuedAt)) return reject('malformed', 'expiresAt must be later than issuedAt');

  const illFormed = jsonValueProblem(envelope, 'envelope');
  if (illFormed !== undefined) return reject('malformed', illFormed);
  let bytes: Buffer;
  try {
    bytes = envelopeSigningBytes(envelope);
  } catch (error) {
    return reject('malformed', `body has no JSON form: ${(error as Error).message}`);
  }
  if (decoded.size === undefined) {
    // An object handed over in process is measured by its signed form plus its signatures.
    const size = bytes.byteLength + JSON.stringify(envelope.sigs).length;
    if (size > maxEnvelopeBytes) return reject('oversized', `${size} bytes exceeds the ${maxEnvelopeBytes}-byte limit`);
  }
  return { envelope, body: body.data as Record<string, unknown>, issuedAt, expiresAt, bytes };
}

/**
 * Remembers envelope texts that read well, so the same order text received by many agents in one process (a fleet
 * order, one copy on each agent's stream) is parsed, validated and canonicalized once, not once per agent.
 *
 * Like `VerifiedSignatures` it memoizes pure work and nothing else: an entry is keyed by the exact text, so any other
 * text (one byte changed) is read afresh; only texts that read well are kept, and at most `capacity` of them, so a
 * flood of input can make it forget but not grow; and what it hands out is deeply frozen, so one agent cannot change
 * what another reads. Every check that depends on an agent (addressee, expiry, replay, roster, revocation, roles,
 * quorum) stays with that agent's own verification.
 * Bytes and objects handed over in process are read each time and never shared.
 */
export class ReadEnvelopes {
  readonly #read: RecentlyUsed<string, ReadEnvelope>;

  constructor(capacity = 256) {
    this.#read = new RecentlyUsed(capacity);
  }

  read(input: unknown): ReadEnvelope | EnvelopeRejection {
    if (typeof input !== 'string') return readEnvelope(input);
    const known = this.#read.get(input);
    if (known !== undefined) return known;
    const read = readEnvelope(input);
    if ('reason' in read) return read;
    // Parsed from text here, so nothing outside holds these objects: freezing them changes no caller's data.
    const shared: ReadEnvelope = { ...read, envelope: deepFreeze(read.envelope), verified: new Set() };
    this.#read.set(input, shared);
    return shared;
  }

  get size(): number {
    return this.#read.size;
  }
}

/** One per process: every agent's authority shares it. */
export const processReadEnvelopes = new ReadEnvelopes();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

type Decoded = { value: unknown; size: number | undefined } | EnvelopeRejection;

// Text and bytes are measured before parsing; an object is measured once its shape is known (see readEnvelope).
function decode(input: unknown): Decoded {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) {
    if (input.byteLength > maxEnvelopeBytes) return oversized(input.byteLength);
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  } else return { value: input, size: undefined };
  const size = Buffer.byteLength(text);
  if (size > maxEnvelopeBytes) return oversized(size);
  try {
    return { value: JSON.parse(text), size };
  } catch (error) {
    return { accepted: false, reason: 'malformed', detail: `not JSON: ${(error as Error).message}` };
  }
}

function oversized(size: number): EnvelopeRejection {
  return { accepted: false, reason: 'oversized', detail: `${size} bytes exceeds the ${maxEnvelopeBytes}-byte limit` };
}
