import type { Charter } from '../charter/charter-schema.ts';
import { verifyBytes } from '../core/ed25519.ts';
import type { Envelope } from './envelope.ts';
import { type ReadEnvelopes, readEnvelope } from './read-envelope.ts';
import type { RejectionReason } from './rejection-reasons.ts';
import { rosterIndex } from './roster-index.ts';
import type { VerifiedSignatures } from './verified-signatures.ts';

export interface VerificationContext {
  /** The current charter: its roster, roles, quorums and clock rules. */
  charter: Charter;
  /** Milliseconds since the epoch. */
  now: number;
  /** True when an envelope with this id was accepted before (replay protection). */
  isSeen: (id: string) => boolean;
  /** Signatures already verified in this process (see `VerifiedSignatures`); without it, each is verified here. */
  signatures?: VerifiedSignatures;
  /** Envelope texts already read in this process (see `ReadEnvelopes`); without it, each is read here. */
  envelopes?: ReadEnvelopes;
}

export type Verification =
  | { accepted: true; envelope: Envelope; signers: string[] }
  | { accepted: false; reason: RejectionReason; detail: string; id?: string };

export type AcceptedVerification = Extract<Verification, { accepted: true }>;

/**
 * Decides whether an envelope is a valid order for this charter, now. Pure apart from reading `isSeen`.
 * Checks, in order: size, well-formedness, agent, time window, replay, signers in roster and not revoked,
 * signatures, roles, quorum. The first failing check is the reason.
 */
export function verifyEnvelope(input: unknown, context: VerificationContext): Verification {
  const read = context.envelopes === undefined ? readEnvelope(input) : context.envelopes.read(input);
  if ('reason' in read) return read;
  const { envelope, issuedAt, expiresAt, bytes } = read;
  const reject = (reason: RejectionReason, detail: string): Verification => ({
    accepted: false,
    reason,
    detail,
    id: envelope.id,
  });
  const { charter, now } = context;
  const roster = rosterIndex(charter);
  const addressing = checkAddressee(envelope, charter);
  if (addressing !== undefined) return reject('wrong-agent', addressing);
  if (now >= expiresAt) return reject('expired', `expired at ${envelope.expiresAt}`);
  if (issuedAt > now + roster.skewMs) {
    return reject('not-yet-valid', `issued at ${envelope.issuedAt}, beyond the ${charter.clock.skew} clock skew`);
  }
  if (expiresAt - issuedAt > roster.maxTtlMs) {
    return reject('ttl-too-long', `lifetime ${expiresAt - issuedAt}ms exceeds clock.maxTtl ${charter.clock.maxTtl}`);
  }
  if (context.isSeen(envelope.id)) return reject('replayed', `order ${envelope.id} was already accepted`);

  for (const signature of envelope.sigs) {
    const entry = roster.principals.get(signature.principal);
    if (entry === undefined) return reject('unknown-signer', `'${signature.principal}' is not in the roster`);
    if (entry.principal.revoked) return reject('revoked-signer', `'${signature.principal}' has been revoked`);
  }
  const checked = new Set<string>();
  for (const signature of envelope.sigs) {
    const pair = `${signature.principal} ${signature.sig}`;
    if (checked.has(pair)) continue;
    checked.add(pair);
    const { key, principal } = roster.principals.get(signature.principal)!;
    const verifiedPair = `${principal.key} ${signature.sig}`;
    if (read.verified?.has(verifiedPair)) continue;
    const signatureBytes = Buffer.from(signature.sig, 'base64url');
    const verified =
      context.signatures === undefined
        ? verifyBytes(key, bytes, signatureBytes)
        : context.signatures.verify(key, principal.key, bytes, signatureBytes);
    if (!verified) {
      return reject('bad-signature', `the signature of '${signature.principal}' does not verify`);
    }
    read.verified?.add(verifiedPair);
  }
  // A principal who signs twice is counted once.
  const signers = [...new Set(envelope.sigs.map((signature) => signature.principal))];
  const permission = checkPermission(envelope, read.body, signers, charter);
  if (permission !== undefined) return reject(permission.reason, permission.detail);
  return { accepted: true, envelope, signers };
}

/** Envelopes addressed to a group (`group:<name>`) may carry only these kinds: one signed order for many agents. */
export const groupOrderKinds: ReadonlySet<string> = new Set(['stop', 'resume', 'lease']);
export const groupAddressPrefix = 'group:';

/** Why this agent is not the envelope's addressee, or undefined when it is: its own id, or a group its charter lists. */
function checkAddressee(envelope: Envelope, charter: Charter): string | undefined {
  if (envelope.agent === charter.agent) return undefined;
  if (!envelope.agent.startsWith(groupAddressPrefix)) {
    return `addressed to agent '${envelope.agent}', this is '${charter.agent}'`;
  }
  const group = envelope.agent.slice(groupAddressPrefix.length);
  if (!charter.groups.includes(group)) {
    return `addressed to group '${group}', which the charter of '${charter.agent}' does not list`;
  }
  if (!groupOrderKinds.has(envelope.kind)) {
    return `a '${envelope.kind}' order cannot be addressed to a group; only ${[...groupOrderKinds].join(', ')} can`;
  }
  return undefined;
}

function checkPermission(
  envelope: Envelope,
  body: Record<string, unknown>,
  signers: string[],
  charter: Charter,
): { reason: RejectionReason; detail: string } | undefined {
  const roster = rosterIndex(charter);
  if (envelope.kind === 'claim') {
    const target = body.for as string;
    for (const signer of signers) {
      if (!charter.succession.some((entry) => entry.successor === signer && entry.for === target)) {
        return { reason: 'role-not-permitted', detail: `'${signer}' is not a named successor for '${target}'` };
      }
    }
    return undefined;
  }
  if (envelope.kind === 'veto') {
    const rule = roster.rules.charter;
    const silentOnes = new Set(charter.succession.map((entry) => entry.for));
    for (const signer of signers) {
      if (!silentOnes.has(signer) && !rule.eligible.has(signer)) {
        return {
          reason: 'role-not-permitted',
          detail: `'${signer}' may not veto: neither a principal a succession entry protects nor one who may sign 'charter'`,
        };
      }
    }
    if (signers.some((signer) => silentOnes.has(signer)) || signers.length >= rule.required) return undefined;
    return {
      reason: 'under-quorum',
      detail: `a veto needs the protected principal or ${rule.required} signer(s) who may sign 'charter'; got ${signers.length}`,
    };
  }
  const rule = roster.rules[envelope.kind];
  for (const signer of signers) {
    if (!rule.eligible.has(signer)) {
      return { reason: 'role-not-permitted', detail: `'${signer}' holds no role that may sign '${envelope.kind}'` };
    }
  }
  if (signers.length < rule.required) {
    return {
      reason: 'under-quorum',
      detail: `'${envelope.kind}' needs ${rule.required} distinct signer(s); got ${signers.length}`,
    };
  }
  return undefined;
}
