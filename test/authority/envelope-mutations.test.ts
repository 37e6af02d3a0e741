import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Envelope, envelopeSchema } from '../../src/authority/envelope.ts';
import { orderBodySchemas } from '../../src/authority/order-bodies.ts';
import { ReadEnvelopes } from '../../src/authority/read-envelope.ts';
import type { RejectionReason } from '../../src/authority/rejection-reasons.ts';
import { signEnvelope } from '../../src/authority/sign-envelope.ts';
import { type Verification, verifyEnvelope } from '../../src/authority/verify-envelope.ts';
import { parseCharter } from '../../src/charter/load-charter.ts';
import { makeFixture, start } from './authority-fixture.ts';

// A fast default for `npm test`; HEED_TEST_SIZE=long runs a much larger search. HEED_TEST_SEED replays a failure.
const runs = process.env.HEED_TEST_SIZE === 'long' ? 200_000 : 10_000;
const seed = process.env.HEED_TEST_SEED === undefined ? undefined : Number(process.env.HEED_TEST_SEED);

const { charter, charterInput, order, keys } = makeFixture();
const now = start + 60_000;
const skew = 30_000;
const maxTtl = 24 * 3_600_000;
const never = (_id: string) => false;
const context = { charter, now, isSeen: never };
const rosterIds = new Set(charter.principals.map((principal) => principal.id));
const action = 'a'.repeat(64);

// Valid orders of every kind, from every kind of eligible signer set.
const valid: Envelope[] = [
  order('stop', {}, ['bob'], { now: start }),
  order('stop', { reason: 'enough' }, ['carol'], { now: start + 1000 }),
  order('task', { text: 'write the report' }, ['alice'], { now: start }),
  order('task', { text: 'write a different report' }, ['bob'], { now: start }),
  order('amend', { text: 'in French' }, ['bob'], { now: start }),
  order('approve', { action }, ['alice'], { now: start }),
  order('deny', { action, reason: 'too risky' }, ['bob'], { now: start }),
  order('lease', {}, ['bob'], { now: start }),
  order('resume', {}, ['alice', 'dana'], { now: start }),
  order('revoke', { principal: 'bob' }, ['dana', 'alice'], { now: start }),
  order('rotate', { principal: 'bob', key: keys.eve!.publicKeyText }, ['alice', 'dana'], { now: start }),
  order('charter', { charter: charterInput }, ['alice', 'dana'], { now: start }),
];
// Orders that verify cryptographically but that their signers may not give.
const wrongRole = [
  order('task', { text: 'fetch coffee' }, ['carol'], { now: start }),
  order('charter', { charter: charterInput }, ['bob'], { now: start }),
];
const underQuorum = [
  order('resume', {}, ['alice'], { now: start }),
  order('revoke', { principal: 'bob' }, ['dana'], { now: start }),
];
const wrongAgent = [order('stop', {}, ['bob'], { now: start, agent: 'other-agent' })];
const { order: strangerOrder } = makeFixture();
// eve is not in the roster; a stranger's key claiming to be bob does not verify.
const strangers = [order('stop', {}, ['eve'], { now: start }), strangerOrder('stop', {}, ['bob'], { now: start })];

// One charter per revoked principal, built once so each case reuses its parsed keys.
const revokedCharters = new Map(
  ['alice', 'bob', 'carol', 'dana'].map((revoked) => [
    revoked,
    parseCharter({
      ...charterInput,
      // Keep every rule satisfiable: frank stands in for whoever is revoked.
      principals: [
        ...charter.principals.map((principal) =>
          principal.id === revoked ? { ...principal, revoked: true } : principal,
        ),
        { id: 'frank', key: keys.eve!.publicKeyText, roles: ['owner', 'operator'] },
      ],
    }),
  ]),
);
const charterRevoking = (principal: string) => revokedCharters.get(principal)!;

type Case = { input: unknown; context: typeof context; expected: RejectionReason | readonly RejectionReason[] };

/** The reason a byte-level mutation must be rejected with, worked out independently of the verifier's code path. */
function expectedForText(original: Envelope, bytes: Uint8Array): RejectionReason {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'malformed';
  }
  const parsed = envelopeSchema.safeParse(value);
  if (!parsed.success) return 'malformed';
  const mutated = parsed.data;
  if (!orderBodySchemas[mutated.kind].safeParse(mutated.body).success) return 'malformed';
  const issuedAt = Date.parse(mutated.issuedAt);
  const expiresAt = Date.parse(mutated.expiresAt);
  if (!(expiresAt > issuedAt)) return 'malformed';
  if (mutated.agent !== charter.agent) return 'wrong-agent';
  if (now >= expiresAt) return 'expired';
  if (issuedAt > now + skew) return 'not-yet-valid';
  if (expiresAt - issuedAt > maxTtl) return 'ttl-too-long';
  if (mutated.sigs.some((signature) => !rosterIds.has(signature.principal))) return 'unknown-signer';
  if (JSON.stringify(mutated) === JSON.stringify(original)) {
    throw new Error('a bit flip left the envelope unchanged');
  }
  return 'bad-signature';
}

const pick = <Value>(items: readonly Value[]) => fc.constantFrom(...items);

const mutation: fc.Arbitrary<Case> = fc.oneof(
  // A bit flip anywhere in the envelope's bytes.
  fc.tuple(pick(valid), fc.nat(), fc.integer({ min: 0, max: 7 })).map(([envelope, at, bit]) => {
    const bytes = Buffer.from(JSON.stringify(envelope));
    bytes[at % bytes.length]! ^= 1 << bit;
    return { input: bytes, context, expected: expectedForText(envelope, bytes) };
  }),
  // A bit flip in a signature's bytes.
  fc.tuple(pick(valid), fc.nat(63), fc.integer({ min: 0, max: 7 })).map(([envelope, at, bit]) => {
    const signature = Buffer.from(envelope.sigs[0]!.sig, 'base64url');
    signature[at]! ^= 1 << bit;
    const sigs = [{ ...envelope.sigs[0]!, sig: signature.toString('base64url') }, ...envelope.sigs.slice(1)];
    return { input: { ...envelope, sigs }, context, expected: 'bad-signature' as const };
  }),
  // Fields swapped between two valid envelopes, or within one.
  fc
    .tuple(pick(valid), pick(valid), pick(['body', 'sigs', 'id', 'kind', 'issuedAt'] as const))
    .map(([left, right, field]): Case => {
      const swapped = { ...left, [field]: right[field] } as Envelope;
      if (JSON.stringify(swapped) === JSON.stringify(left)) return { input: left, context, expected: [] };
      const schemaOk = orderBodySchemas[swapped.kind].safeParse(swapped.body).success;
      const timesOk = Date.parse(swapped.expiresAt) > Date.parse(swapped.issuedAt);
      return { input: swapped, context, expected: schemaOk && timesOk ? 'bad-signature' : 'malformed' };
    }),
  pick(valid).map((envelope) => ({
    input: { ...envelope, issuedAt: envelope.expiresAt, expiresAt: envelope.issuedAt },
    context,
    expected: 'malformed' as const,
  })),
  pick(wrongAgent).map((envelope) => ({ input: envelope, context, expected: 'wrong-agent' as const })),
  fc.tuple(pick(valid), fc.nat(maxTtl)).map(([envelope, late]) => ({
    input: envelope,
    context: { ...context, now: Date.parse(envelope.expiresAt) + late },
    expected: 'expired' as const,
  })),
  fc.tuple(pick(valid), fc.integer({ min: 1, max: maxTtl })).map(([envelope, early]) => ({
    input: envelope,
    context: { ...context, now: Date.parse(envelope.issuedAt) - skew - early },
    expected: 'not-yet-valid' as const,
  })),
  pick(valid).map((envelope) => ({
    input: envelope,
    context: { ...context, isSeen: (id: string) => id === envelope.id },
    expected: 'replayed' as const,
  })),
  pick(strangers).map((envelope) => ({
    input: envelope,
    context,
    expected: envelope.sigs[0]!.principal === 'eve' ? ('unknown-signer' as const) : ('bad-signature' as const),
  })),
  pick(valid).map((envelope) => ({
    input: envelope,
    context: { ...context, charter: charterRevoking(envelope.sigs[0]!.principal) },
    expected: 'revoked-signer' as const,
  })),
  pick(valid.filter((envelope) => envelope.sigs.length > 1)).map((envelope) => ({
    input: { ...envelope, sigs: [envelope.sigs[0]!, envelope.sigs[0]!] },
    context,
    expected: 'under-quorum' as const,
  })),
  pick(wrongRole).map((envelope) => ({ input: envelope, context, expected: 'role-not-permitted' as const })),
  pick(underQuorum).map((envelope) => ({ input: envelope, context, expected: 'under-quorum' as const })),
);

function reasonOf(verification: Verification): string {
  return verification.accepted ? 'accepted' : verification.reason;
}

describe('verifyEnvelope under generated mutations', () => {
  it('accepts every unmutated envelope (the control)', () => {
    for (const envelope of valid) expect(reasonOf(verifyEnvelope(envelope, context))).toBe('accepted');
    const signed = signEnvelope(
      { ...valid[0]!, id: 'control-order-1' },
      { principal: 'bob', privateKey: keys.bob!.privateKey },
    );
    expect(reasonOf(verifyEnvelope(signed, context))).toBe('accepted');
  });

  it(
    `rejects each of ${runs} mutations with the right reason`,
    () => {
      fc.assert(
        fc.property(mutation, (testCase) => {
          const verification = verifyEnvelope(testCase.input, testCase.context);
          const expected = testCase.expected;
          // An empty expectation marks a swap that changed nothing: the envelope must still be accepted.
          if (Array.isArray(expected) && expected.length === 0) return verification.accepted;
          const allowed = (typeof expected === 'string' ? [expected] : expected) as readonly string[];
          expect(allowed).toContain(reasonOf(verification));
          return true;
        }),
        { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
      );
    },
    runs * 5,
  );

  it(
    `answers ${runs} mutations as text the same through a shared reader that has read every valid order`,
    () => {
      const envelopes = new ReadEnvelopes();
      for (const envelope of valid) {
        expect(reasonOf(verifyEnvelope(JSON.stringify(envelope), { ...context, envelopes }))).toBe('accepted');
      }
      fc.assert(
        fc.property(mutation, (testCase) => {
          const text =
            testCase.input instanceof Uint8Array
              ? Buffer.from(testCase.input).toString('utf8')
              : JSON.stringify(testCase.input);
          const fresh = verifyEnvelope(text, testCase.context);
          const shared = verifyEnvelope(text, { ...testCase.context, envelopes });
          expect(reasonOf(shared)).toBe(reasonOf(fresh));
          return true;
        }),
        { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
      );
    },
    runs * 5,
  );
});
