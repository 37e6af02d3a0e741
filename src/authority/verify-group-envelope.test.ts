import { describe, expect, it } from 'vitest';
import { makeFixture, start } from '../../test/authority/authority-fixture.ts';
import { verifyEnvelope } from './verify-envelope.ts';

const never = (_id: string): boolean => false;

describe('an envelope addressed to a group', () => {
  const member = makeFixture({ groups: ['fleet-a'] });
  const context = { charter: member.charter, now: start + 1000, isSeen: never };

  it('is accepted by an agent whose charter lists the group, for stop, resume and lease', () => {
    const stop = member.order('stop', { reason: 'fleet halt' }, ['bob'], { agent: 'group:fleet-a' });
    expect(verifyEnvelope(stop, context)).toMatchObject({ accepted: true, signers: ['bob'] });
    const resume = member.order('resume', {}, ['alice', 'dana'], { agent: 'group:fleet-a' });
    expect(verifyEnvelope(resume, context)).toMatchObject({ accepted: true });
  });

  it('is refused by an agent outside the group, for other kinds, and when altered', () => {
    const reasonOf = (input: unknown) => {
      const verification = verifyEnvelope(input, context);
      return verification.accepted ? 'accepted' : `${verification.reason}: ${verification.detail}`;
    };
    expect(reasonOf(member.order('stop', {}, ['bob'], { agent: 'group:fleet-b' }))).toMatch(
      /^wrong-agent: .*group 'fleet-b'.*does not list/,
    );
    expect(reasonOf(member.order('task', { text: 'go' }, ['alice'], { agent: 'group:fleet-a' }))).toMatch(
      /^wrong-agent: a 'task' order cannot be addressed to a group/,
    );
    const stop = member.order('stop', {}, ['bob'], { agent: 'group:fleet-a' });
    expect(reasonOf({ ...stop, agent: 'group:fleet-b' })).toMatch(/^wrong-agent/);
    expect(reasonOf({ ...stop, body: { reason: 'changed by the server' } })).toMatch(/^bad-signature/);
    const outsider = makeFixture();
    const outsiderVerification = verifyEnvelope(stop, { ...context, charter: outsider.charter });
    expect(outsiderVerification).toMatchObject({ accepted: false, reason: 'wrong-agent' });
  });
});
