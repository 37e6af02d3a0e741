import { describe, expect, it } from 'vitest';
import { makeFixture, start } from '../../test/authority/authority-fixture.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { generateKeyPair } from '../core/ed25519.ts';
import { envelopeSignaturePrefix, maxEnvelopeBytes } from './envelope.ts';
import { envelopeSigningBytes } from './sign-envelope.ts';
import { verifyEnvelope } from './verify-envelope.ts';

const never = (_id: string): boolean => false;

describe('verifyEnvelope', () => {
  const { charter, order } = makeFixture();
  const context = { charter, now: start + 1000, isSeen: never };

  it('accepts a stop signed by any principal, as object or as text', () => {
    const stop = order('stop', { reason: 'enough' }, ['bob']);
    expect(verifyEnvelope(stop, context)).toMatchObject({ accepted: true, signers: ['bob'] });
    expect(verifyEnvelope(JSON.stringify(stop), context)).toMatchObject({ accepted: true });
    expect(verifyEnvelope(Buffer.from(JSON.stringify(stop)), context)).toMatchObject({ accepted: true });
  });

  it('rejects each failure with its reason', () => {
    const stop = order('stop', {}, ['bob']);
    const reasonOf = (input: unknown, overrides: Partial<typeof context> = {}) => {
      const verification = verifyEnvelope(input, { ...context, ...overrides });
      return verification.accepted ? 'accepted' : verification.reason;
    };
    expect(reasonOf('x'.repeat(maxEnvelopeBytes + 1))).toBe('oversized');
    expect(reasonOf('{"v":1,')).toBe('malformed');
    expect(reasonOf({ ...stop, extra: 1 })).toBe('malformed');
    expect(reasonOf({ ...stop, body: { reason: 7 } })).toBe('malformed');
    expect(reasonOf(order('stop', {}, ['bob'], { agent: 'other' }))).toBe('wrong-agent');
    expect(reasonOf(stop, { now: start + 600_000 })).toBe('expired');
    expect(reasonOf(stop, { now: start - 31_000 })).toBe('not-yet-valid');
    expect(reasonOf(stop, { now: start - 29_000 })).toBe('accepted');
    expect(reasonOf(order('stop', {}, ['bob'], { ttlMs: 25 * 3_600_000 }))).toBe('ttl-too-long');
    expect(reasonOf(stop, { isSeen: (id) => id === stop.id })).toBe('replayed');
    expect(reasonOf({ ...stop, sigs: [{ ...stop.sigs[0]!, principal: 'eve' }] })).toBe('unknown-signer');
    expect(reasonOf({ ...stop, body: { reason: 'changed' } })).toBe('bad-signature');
    expect(reasonOf(order('task', { text: 'fetch coffee' }, ['carol']))).toBe('role-not-permitted');
    expect(reasonOf(order('resume', {}, ['alice']))).toBe('under-quorum');
    expect(reasonOf(order('resume', {}, ['alice', 'dana']))).toBe('accepted');
    expect(reasonOf(order('resume', {}, ['alice', 'alice']))).toBe('under-quorum');
  });

  it('names the rejected envelope id and the bad field', () => {
    const stop = order('stop', {}, ['bob']);
    const verification = verifyEnvelope({ ...stop, kind: 'halt' }, context);
    expect(verification).toMatchObject({ accepted: false, reason: 'malformed', id: stop.id });
    expect(verification.accepted ? '' : verification.detail).toMatch(/kind/);
  });
});

describe('envelope signing bytes', () => {
  const { order, charterInput } = makeFixture();

  it('equal the domain prefix plus the RFC 8785 form of the envelope without sigs', () => {
    for (const envelope of [
      order('task', { text: 'ünïcödé \u2028 "quoted" \\ 😀 \u0007' }, ['bob']),
      order('charter', { charter: { ...charterInput, lease: { ttl: '1h' }, clock: { skew: '1s' } } }, [
        'alice',
        'dana',
      ]),
    ]) {
      const { sigs: _sigs, ...unsigned } = envelope;
      expect(envelopeSigningBytes(envelope).toString('utf8')).toBe(envelopeSignaturePrefix + canonicalJson(unsigned));
    }
  });

  it('rejects an in-process object whose body has no JSON form, or that is too large', () => {
    const stop = order('stop', {}, ['bob']);
    const context = { charter: makeFixture().charter, now: start + 1000, isSeen: never };
    expect(verifyEnvelope({ ...stop, body: { reason: 10n } }, context)).toMatchObject({ reason: 'malformed' });
    const principals = Array.from({ length: 800 }, (_, index) => ({
      id: `principal-${index}`,
      key: generateKeyPair().publicKeyText,
      roles: ['owner'],
    }));
    const huge = { ...stop, kind: 'charter', body: { charter: { ...charterInput, principals } } };
    expect(verifyEnvelope(huge, context)).toMatchObject({ reason: 'oversized' });
  });
});
