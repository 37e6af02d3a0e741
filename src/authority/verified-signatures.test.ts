import { describe, expect, it } from 'vitest';
import { makeFixture, start } from '../../test/authority/authority-fixture.ts';
import { parseCharter } from '../charter/load-charter.ts';
import { generateKeyPair, parsePublicKey, signBytes } from '../core/ed25519.ts';
import { VerifiedSignatures } from './verified-signatures.ts';
import { verifyEnvelope } from './verify-envelope.ts';

const never = (_id: string): boolean => false;

describe('VerifiedSignatures', () => {
  const signer = generateKeyPair();
  const other = generateKeyPair();
  const key = parsePublicKey(signer.publicKeyText);
  const otherKey = parsePublicKey(other.publicKeyText);
  const message = Buffer.from('stop the fleet');
  const signature = signBytes(signer.privateKey, message);

  it('never answers from memory for other bytes, another signature or another key', () => {
    const cache = new VerifiedSignatures();
    expect(cache.verify(key, signer.publicKeyText, message, signature)).toBe(true);
    expect(cache.size).toBe(1);
    expect(cache.verify(key, signer.publicKeyText, message, signature)).toBe(true);
    expect(cache.size).toBe(1);

    expect(cache.verify(key, signer.publicKeyText, Buffer.from('stop the fleeT'), signature)).toBe(false);
    expect(cache.verify(key, signer.publicKeyText, Buffer.from('stop the fleet '), signature)).toBe(false);
    const flipped = Uint8Array.from(signature);
    flipped[10]! ^= 1;
    expect(cache.verify(key, signer.publicKeyText, message, flipped)).toBe(false);
    expect(cache.verify(key, signer.publicKeyText, message, signature.subarray(0, 63))).toBe(false);
    // The same signed bytes under a different principal's key.
    expect(cache.verify(otherKey, other.publicKeyText, message, signature)).toBe(false);
    // Failures are not remembered.
    expect(cache.size).toBe(1);
  });

  it('keeps at most its capacity, forgetting the least recently used', () => {
    const cache = new VerifiedSignatures(2);
    const messages = ['a', 'b', 'c'].map((text) => Buffer.from(text));
    const signatures = messages.map((bytes) => signBytes(signer.privateKey, bytes));
    cache.verify(key, signer.publicKeyText, messages[0]!, signatures[0]!);
    cache.verify(key, signer.publicKeyText, messages[1]!, signatures[1]!);
    cache.verify(key, signer.publicKeyText, messages[0]!, signatures[0]!);
    cache.verify(key, signer.publicKeyText, messages[2]!, signatures[2]!);
    expect(cache.size).toBe(2);
    // Still correct after eviction: each is verified again when it is no longer held.
    for (const [index, bytes] of messages.entries()) {
      expect(cache.verify(key, signer.publicKeyText, bytes, signatures[index]!)).toBe(true);
    }
    expect(() => new VerifiedSignatures(0)).toThrow(/capacity must be a positive integer/);
  });
});

describe('verifyEnvelope with a shared cache', () => {
  it('still rejects a tampered envelope and a signer whose key differs, after another agent verified the order', () => {
    const cache = new VerifiedSignatures();
    const member = makeFixture({ groups: ['fleet'] });
    const context = { charter: member.charter, now: start + 1000, isSeen: never, signatures: cache };
    const stop = member.order('stop', { reason: 'fleet halt' }, ['bob'], { agent: 'group:fleet' });
    expect(verifyEnvelope(stop, context)).toMatchObject({ accepted: true, signers: ['bob'] });
    expect(cache.size).toBe(1);

    // Altered in transit: the body, the expiry, the addressee's kind of order.
    expect(verifyEnvelope({ ...stop, body: { reason: 'changed' } }, context)).toMatchObject({
      accepted: false,
      reason: 'bad-signature',
    });
    expect(verifyEnvelope({ ...stop, expiresAt: new Date(start + 500_000).toISOString() }, context)).toMatchObject({
      accepted: false,
      reason: 'bad-signature',
    });
    expect(verifyEnvelope({ ...stop, kind: 'resume', body: {} }, context)).toMatchObject({
      accepted: false,
      reason: 'bad-signature',
    });

    // Another agent whose charter names a different key for 'bob': the cached success is not its to use.
    const stranger = makeFixture({ groups: ['fleet'] });
    expect(verifyEnvelope(stop, { ...context, charter: stranger.charter })).toMatchObject({
      accepted: false,
      reason: 'bad-signature',
    });
    // And each agent's own checks still apply to the cached signature: replay, expiry, roles.
    expect(verifyEnvelope(stop, { ...context, isSeen: () => true })).toMatchObject({ reason: 'replayed' });
    expect(verifyEnvelope(stop, { ...context, now: start + 700_000 })).toMatchObject({ reason: 'expired' });
    // Same roster, but only owners may stop: the cached signature does not make bob's stop permitted.
    const ownersOnly = parseCharter({ ...member.charterInput, authority: { stop: { roles: ['owner'], quorum: 1 } } });
    const refused = verifyEnvelope(stop, { ...context, charter: ownersOnly });
    expect(refused.accepted).toBe(false);
    expect(refused).not.toMatchObject({ reason: 'bad-signature' });
  });
});
