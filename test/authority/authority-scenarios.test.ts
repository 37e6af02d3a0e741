import { describe, expect, it } from 'vitest';
import { createAuthority } from '../../src/authority/create-authority.ts';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import { createMemoryAuthorityStore } from '../../src/authority/store/memory-authority-store.ts';
import type { CharterInput } from '../../src/charter/charter-schema.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { makeFixture, start } from './authority-fixture.ts';

const hour = 3_600_000;
const day = 24 * hour;

function setup(overrides: Partial<CharterInput> = {}) {
  const fixture = makeFixture(overrides);
  const clock = new ManualClock(start);
  const seen = createMemoryAuthorityStore();
  const timed: string[] = [];
  const authority = createAuthority({
    charter: fixture.charter,
    clock,
    store: seen,
    onTimedChange: (change) => timed.push(change.effect.type),
  });
  const send = (...args: Parameters<typeof fixture.order>) => {
    const [kind, body, signers, options] = args;
    return authority.receive(fixture.order(kind, body, signers, { now: clock.now(), ...options }));
  };
  return { ...fixture, clock, seen, authority, send, timed };
}

describe('stop and resume', () => {
  it('any principal stops; while stopped, tasks are ignored; resume needs the owners quorum', () => {
    const { authority, send } = setup();
    expect(send('task', { text: 'write report' }, ['bob']).effect?.type).toBe('task');
    expect(send('stop', { reason: 'check' }, ['carol']).effect).toEqual({ type: 'stop', reason: 'check' });
    expect(authority.state().stopped?.principals).toEqual(['carol']);
    const ignored = send('task', { text: 'something else' }, ['alice']);
    expect(ignored.effect?.type).toBe('none');
    expect(ignored.explanation).toMatch(/stopped/);
    expect(authority.state().task?.text).toBe('write report');
    expect(send('resume', {}, ['alice']).verification).toMatchObject({ accepted: false, reason: 'under-quorum' });
    expect(authority.state().stopped).not.toBeNull();
    expect(send('resume', {}, ['alice', 'dana']).effect?.type).toBe('resume');
    expect(authority.state().stopped).toBeNull();
  });

  it('a rejected envelope changes nothing and is not recorded as seen', () => {
    const { authority, order, seen, clock } = setup();
    const stop = order('stop', {}, ['bob'], { now: clock.now() });
    const tampered = { ...stop, body: { reason: 'forged' } };
    const before = authority.state();
    expect(authority.receive(tampered).verification).toMatchObject({ accepted: false, reason: 'bad-signature' });
    expect(authority.state()).toBe(before);
    expect(seen.has(stop.id)).toBe(false);
    expect(authority.receive(stop).effect?.type).toBe('stop');
    expect(authority.receive(stop).verification).toMatchObject({ accepted: false, reason: 'replayed' });
  });

  it('forgets a seen id only once its envelope has expired beyond the skew and a day, when it cannot verify anyway', () => {
    const { authority, order, seen, clock } = setup();
    const stop = order('stop', {}, ['bob'], { now: clock.now(), ttlMs: 60_000 });
    expect(authority.receive(stop).effect?.type).toBe('stop');
    clock.advance(60_000 + 86_400_000);
    expect(seen.prune(clock.now())).toBe(0);
    expect(authority.receive(stop).verification).toMatchObject({ accepted: false, reason: 'expired' });
    clock.advance(30_001); // the default clock.skew, 30s
    expect(seen.prune(clock.now())).toBe(1);
    expect(seen.has(stop.id)).toBe(false);
    // Forgotten, yet no replay: the envelope is long expired.
    expect(authority.receive(stop).verification).toMatchObject({ accepted: false, reason: 'expired' });
  });
});

describe('conflict rules', () => {
  it("'ask' holds both tasks and asks; a task signed by both parties resolves it", () => {
    const { authority, send } = setup();
    send('task', { text: 'A' }, ['alice']);
    const conflict = send('task', { text: 'B' }, ['bob']);
    expect(conflict.effect?.type).toBe('conflict');
    expect(authority.state().task).toBeNull();
    expect(authority.state().conflict.map((task) => task.text)).toEqual(['A', 'B']);
    expect(send('amend', { text: 'more' }, ['bob']).effect?.type).toBe('none');
    expect(send('task', { text: 'B2' }, ['bob']).effect?.type).toBe('conflict');
    expect(authority.state().conflict.map((task) => task.text)).toEqual(['A', 'B2']);
    const resolved = send('task', { text: 'A and B agree' }, ['alice', 'bob']);
    expect(resolved.effect?.type).toBe('task');
    expect(authority.state().task?.text).toBe('A and B agree');
    expect(authority.state().conflict).toEqual([]);
  });

  it("'ask' is settled by a party that outranks every other party, not by an equal", () => {
    const { authority, send } = setup();
    send('task', { text: 'A' }, ['alice']);
    send('task', { text: 'B' }, ['bob']);
    expect(send('task', { text: 'D' }, ['dana']).effect?.type).toBe('conflict');
    expect(authority.state().conflict).toHaveLength(3);
    send('task', { text: 'A again' }, ['alice']);
    expect(authority.state().conflict.map((task) => task.text)).toEqual(['B', 'D', 'A again']);
    expect(send('task', { text: 'settled' }, ['alice', 'dana']).effect?.type).toBe('task');
    expect(authority.state().task?.text).toBe('settled');
  });

  it("'ask' lets the same principal replace its own task", () => {
    const { authority, send } = setup();
    send('task', { text: 'A' }, ['bob']);
    expect(send('task', { text: 'A2' }, ['bob']).effect).toMatchObject({ type: 'task', replaced: { text: 'A' } });
    expect(authority.state().task?.text).toBe('A2');
  });

  it("'rank' lets the higher rank win and the latest win among equals", () => {
    const { authority, send } = setup({ conflict: 'rank' });
    send('task', { text: 'owner task' }, ['alice']);
    expect(send('task', { text: 'operator task' }, ['bob']).effect?.type).toBe('none');
    expect(authority.state().task?.text).toBe('owner task');
    expect(send('task', { text: 'other owner task' }, ['dana']).effect?.type).toBe('task');
    expect(authority.state().task?.text).toBe('other owner task');
  });

  it("'latest' lets the newest task win", () => {
    const { authority, send, clock } = setup({ conflict: 'latest' });
    send('task', { text: 'owner task' }, ['alice']);
    clock.advance(1000);
    expect(send('task', { text: 'operator task' }, ['bob']).effect?.type).toBe('task');
    expect(send('task', { text: 'stale' }, ['dana'], { now: clock.now() - 500 }).effect?.type).toBe('none');
    expect(authority.state().task?.text).toBe('operator task');
  });
});

describe('lease', () => {
  it('is off unless the charter sets it', () => {
    expect(setup().authority.leaseStatus()).toEqual({ status: 'off' });
  });

  it('starts fresh, expires when principals go silent, and is renewed by lease and other orders', () => {
    const { authority, send, clock } = setup({ lease: { ttl: '1h' } });
    expect(authority.leaseStatus()).toEqual({ status: 'fresh', expiresAt: start + hour });
    clock.advance(hour);
    expect(authority.leaseStatus()).toEqual({ status: 'expired', since: start + hour });
    expect(send('lease', {}, ['bob']).effect).toEqual({ type: 'lease-renewed', expiresAt: clock.now() + hour });
    expect(authority.leaseStatus().status).toBe('fresh');
    clock.advance(30 * 60_000);
    send('task', { text: 'keep going' }, ['alice']);
    expect(authority.leaseStatus()).toEqual({ status: 'fresh', expiresAt: clock.now() + hour });
    clock.advance(hour);
    // carol may not sign a lease, so her stop proves nothing about the lease holders.
    send('stop', {}, ['carol']);
    expect(authority.leaseStatus().status).toBe('expired');
  });
});

describe('revocation and rotation', () => {
  it('a revoked principal can no longer sign; revocation needs its quorum', () => {
    const { authority, send } = setup();
    send('task', { text: 'from bob' }, ['bob']);
    expect(send('revoke', { principal: 'bob' }, ['alice']).verification).toMatchObject({ reason: 'under-quorum' });
    const revoked = send('revoke', { principal: 'bob' }, ['alice', 'dana']);
    expect(revoked.effect).toEqual({ type: 'revoked', principal: 'bob' });
    expect(authority.state().task).toBeNull();
    expect(send('stop', {}, ['bob']).verification).toMatchObject({ accepted: false, reason: 'revoked-signer' });
  });

  it('refuses a revocation that would leave a rule nobody can satisfy', () => {
    const { authority, send } = setup({ authority: { revoke: { roles: ['owner'], quorum: 1 } } });
    send('revoke', { principal: 'dana' }, ['alice']);
    const refused = send('revoke', { principal: 'alice' }, ['alice']);
    expect(refused.effect?.type).toBe('none');
    expect(refused.explanation).toMatch(/refused.*authority\.resume/);
    expect(authority.charter().principals.find((principal) => principal.id === 'alice')?.revoked).toBe(false);
  });

  it('after a rotation the old key no longer verifies and the new one does', () => {
    const { authority, send, keys, clock, order } = setup();
    const fresh = generateKeyPair();
    const rotated = send('rotate', { principal: 'bob', key: fresh.publicKeyText }, ['alice', 'dana']);
    expect(rotated.effect?.type).toBe('rotated');
    expect(send('stop', {}, ['bob']).verification).toMatchObject({ accepted: false, reason: 'bad-signature' });
    keys.bob = fresh;
    expect(authority.receive(order('stop', {}, ['bob'], { now: clock.now() })).effect?.type).toBe('stop');
  });
});

describe('succession', () => {
  const succession = { succession: [{ successor: 'carol', for: 'alice', after: '7d', timeLock: '1d' }] };

  it('refuses a claim before the silence period, then completes after the time-lock', () => {
    const { authority, send, clock, timed } = setup(succession);
    clock.advance(6 * day);
    expect(send('claim', { for: 'alice' }, ['carol']).explanation).toMatch(/refused.*7d of silence/);
    expect(send('claim', { for: 'alice' }, ['bob']).verification).toMatchObject({ reason: 'role-not-permitted' });
    clock.advance(day);
    const claimed = send('claim', { for: 'alice' }, ['carol']);
    expect(claimed.effect).toMatchObject({ type: 'succession-claimed', successor: 'carol', for: 'alice' });
    clock.advance(day - 1);
    expect(authority.state().successions).toHaveLength(1);
    clock.advance(1);
    const state = authority.state();
    expect(timed).toEqual(['succession-completed']);
    expect(authority.takeTimedChanges().map((change) => change.effect.type)).toEqual(['succession-completed']);
    expect(authority.takeTimedChanges()).toEqual([]);
    expect(state.successions).toEqual([]);
    const carol = state.charter.principals.find((principal) => principal.id === 'carol');
    expect(carol).toMatchObject({ roles: ['successor', 'owner'], rank: 1 });
    expect(state.charter.principals.find((principal) => principal.id === 'alice')?.revoked).toBe(true);
    send('stop', {}, ['bob']);
    expect(send('resume', {}, ['carol', 'dana']).effect?.type).toBe('resume');
    expect(send('stop', {}, ['alice']).verification).toMatchObject({ reason: 'revoked-signer' });
  });

  it('a principal heard from recently cannot be succeeded', () => {
    const { send, clock } = setup(succession);
    clock.advance(5 * day);
    send('lease', {}, ['alice']);
    clock.advance(5 * day);
    expect(send('claim', { for: 'alice' }, ['carol']).effect?.type).toBe('none');
  });

  it('the silent principal can veto during the time-lock', () => {
    const { authority, send, clock } = setup(succession);
    clock.advance(8 * day);
    const claimed = send('claim', { for: 'alice' }, ['carol']);
    clock.advance(hour);
    const veto = send('veto', { claim: claimed.verification.accepted ? claimed.verification.envelope.id : '' }, [
      'alice',
    ]);
    expect(veto.effect).toMatchObject({ type: 'succession-vetoed', by: ['alice'] });
    clock.advance(2 * day);
    expect(authority.state().charter.principals.find((principal) => principal.id === 'alice')?.revoked).toBe(false);
  });

  it('the charter quorum can veto; a lone other principal cannot', () => {
    const { authority, send, clock } = setup(succession);
    clock.advance(8 * day);
    const claimed = send('claim', { for: 'alice' }, ['carol']);
    const claimId = claimed.verification.accepted ? claimed.verification.envelope.id : '';
    expect(send('veto', { claim: claimId }, ['dana']).verification).toMatchObject({ reason: 'under-quorum' });
    expect(send('veto', { claim: claimId }, ['bob']).verification).toMatchObject({ reason: 'role-not-permitted' });
    expect(authority.state().successions).toHaveLength(1);
    expect(send('veto', { claim: claimId }, ['dana', 'alice']).effect?.type).toBe('succession-vetoed');
  });
});

describe('charter change', () => {
  it('replaces the roster when its quorum signs a valid charter for the same agent', () => {
    const { authority, send, charterInput, clock, keys } = setup();
    const next = { ...charterInput, conflict: 'latest' };
    expect(send('charter', { charter: next }, ['alice', 'dana']).effect?.type).toBe('charter-changed');
    expect(authority.charter().conflict).toBe('latest');
    const elsewhere = send('charter', { charter: { ...charterInput, agent: 'other-agent' } }, ['alice', 'dana']);
    expect(elsewhere.effect?.type).toBe('none');
    expect(elsewhere.explanation).toMatch(/other-agent/);
    expect(() => send('charter', { charter: { ...charterInput, conflict: 'whoever' } }, ['alice'])).toThrow(
      /body\.charter\.conflict|charter\.conflict/,
    );
    const unsigned = {
      ...createEnvelope({ agent: 'demo-agent', kind: 'resume', body: {}, ttlMs: 60_000, now: clock.now() }),
    };
    const invalidCharter = signEnvelope(
      { ...unsigned, kind: 'charter', body: { charter: { ...charterInput, conflict: 'whoever' } } },
      { principal: 'alice', privateKey: keys.alice!.privateKey },
    );
    const invalid = authority.receive(invalidCharter);
    expect(invalid.verification).toMatchObject({ accepted: false, reason: 'malformed' });
    expect(invalid.explanation).toMatch(/body\.charter\.conflict/);
  });
});
