import { describe, expect, it } from 'vitest';
import { makeFixture, start } from '../../test/authority/authority-fixture.ts';
import { parseCharter } from '../charter/load-charter.ts';
import { ReadEnvelopes } from './read-envelope.ts';
import { verifyEnvelope } from './verify-envelope.ts';

const never = (_id: string): boolean => false;

describe('ReadEnvelopes', () => {
  const member = makeFixture({ groups: ['fleet'] });
  const stop = member.order('stop', { reason: 'fleet halt' }, ['bob'], { agent: 'group:fleet' });
  const text = JSON.stringify(stop);

  it('reads a text once and hands every reader the same deeply frozen envelope', () => {
    const reads = new ReadEnvelopes();
    const first = reads.read(text);
    const second = reads.read(text);
    expect(first).toBe(second);
    expect(reads.size).toBe(1);
    if ('reason' in first) throw new Error(`read failed: ${first.detail}`);
    expect(first.envelope).toEqual(stop);
    // One agent cannot change what another reads: every level of the shared envelope is frozen.
    expect(() => {
      (first.envelope as { kind: string }).kind = 'resume';
    }).toThrow(TypeError);
    expect(() => {
      (first.envelope.body as Record<string, unknown>).reason = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (first.envelope.sigs as unknown[]).push(first.envelope.sigs[0]);
    }).toThrow(TypeError);
    expect(() => {
      (first.envelope.sigs[0] as { principal: string }).principal = 'alice';
    }).toThrow(TypeError);
    expect(JSON.stringify(reads.read(text))).toBe(JSON.stringify(first));
  });

  it('keeps only texts that read well, and never shares objects or bytes handed over in process', () => {
    const reads = new ReadEnvelopes();
    for (const bad of ['not json', '{}', JSON.stringify({ ...stop, expiresAt: stop.issuedAt }), 'x'.repeat(70_000)]) {
      expect(reads.read(bad)).toMatchObject({ accepted: false });
    }
    expect(reads.size).toBe(0);
    const fromObject = reads.read(stop);
    const fromBytes = reads.read(Buffer.from(text));
    expect(reads.size).toBe(0);
    for (const read of [fromObject, fromBytes]) {
      if ('reason' in read) throw new Error(`read failed: ${read.detail}`);
      expect(Object.isFrozen(read.envelope)).toBe(false);
      expect(read.verified).toBeUndefined();
    }
    // The caller's object is left as it was.
    expect(Object.isFrozen(stop)).toBe(false);
    expect(Object.isFrozen(stop.body)).toBe(false);
  });

  it('keeps at most its capacity, forgetting the least recently used', () => {
    const reads = new ReadEnvelopes(2);
    const texts = ['a', 'b', 'c'].map((reason) =>
      JSON.stringify(member.order('stop', { reason }, ['bob'], { agent: 'group:fleet' })),
    );
    const first = reads.read(texts[0]!);
    reads.read(texts[1]!);
    reads.read(texts[0]!);
    reads.read(texts[2]!);
    expect(reads.size).toBe(2);
    expect(reads.read(texts[0]!)).toBe(first);
    // texts[1] was evicted: read afresh, still correct.
    expect(reads.read(texts[1]!)).toMatchObject({ envelope: { body: { reason: 'b' } } });
    expect(() => new ReadEnvelopes(0)).toThrow(/capacity must be a positive integer/);
  });
});

describe('verifyEnvelope with shared reads', () => {
  const member = makeFixture({ groups: ['fleet'] });
  const stop = member.order('stop', { reason: 'fleet halt' }, ['bob'], { agent: 'group:fleet' });
  const text = JSON.stringify(stop);
  const context = { charter: member.charter, now: start + 1000, isSeen: never };

  it('leaves every check that depends on the agent to that agent, after another agent accepted the same text', () => {
    const envelopes = new ReadEnvelopes();
    const shared = { ...context, envelopes };
    expect(verifyEnvelope(text, shared)).toMatchObject({ accepted: true, signers: ['bob'] });
    expect(envelopes.size).toBe(1);

    // An agent whose charter names a different key for 'bob': the signature that verified for the first is not its to use.
    const stranger = makeFixture({ groups: ['fleet'] });
    expect(verifyEnvelope(text, { ...shared, charter: stranger.charter })).toMatchObject({ reason: 'bad-signature' });
    // An agent outside the group, one that has seen the order, one whose clock is past its expiry.
    const outsider = parseCharter({ ...member.charterInput, groups: [] });
    expect(verifyEnvelope(text, { ...shared, charter: outsider })).toMatchObject({ reason: 'wrong-agent' });
    expect(verifyEnvelope(text, { ...shared, isSeen: () => true })).toMatchObject({ reason: 'replayed' });
    expect(verifyEnvelope(text, { ...shared, now: start + 700_000 })).toMatchObject({ reason: 'expired' });
    // Same roster, bob revoked or not allowed to stop.
    const revoked = parseCharter({
      ...member.charterInput,
      principals: member.charterInput.principals.map((principal) =>
        principal.id === 'bob' ? { ...principal, revoked: true } : principal,
      ),
    });
    expect(verifyEnvelope(text, { ...shared, charter: revoked })).toMatchObject({ reason: 'revoked-signer' });
    const ownersOnly = parseCharter({ ...member.charterInput, authority: { stop: { roles: ['owner'], quorum: 1 } } });
    expect(verifyEnvelope(text, { ...shared, charter: ownersOnly })).toMatchObject({ reason: 'role-not-permitted' });
    // And the first agent still accepts it.
    expect(verifyEnvelope(text, shared)).toMatchObject({ accepted: true });
  });

  it('reads a text that differs by one byte afresh: altered in transit, it does not verify', () => {
    const envelopes = new ReadEnvelopes();
    const shared = { ...context, envelopes };
    expect(verifyEnvelope(text, shared)).toMatchObject({ accepted: true });
    const altered = text.replace('fleet halt', 'fleet hal7');
    expect(verifyEnvelope(altered, shared)).toMatchObject({ accepted: false, reason: 'bad-signature' });
    expect(verifyEnvelope(altered, shared)).toMatchObject({ accepted: false, reason: 'bad-signature' });
    // The same order spelt with other whitespace is another text; its signature covers the same content.
    expect(verifyEnvelope(JSON.stringify(stop, null, 2), shared)).toMatchObject({ accepted: true });
    expect(envelopes.size).toBe(3);
  });
});
