// The authority's history survives a restart: a new authority over the same store reaches exactly the state the
// old one had, whatever happened and wherever the restart falls (snapshots included).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeFixture, start } from '../../../test/authority/authority-fixture.ts';
import type { OrderKind } from '../../charter/charter-schema.ts';
import { ManualClock } from '../../core/clock.ts';
import { createAuthority } from '../create-authority.ts';
import type { AuthorityStore } from './authority-store.ts';
import { createMemoryAuthorityStore } from './memory-authority-store.ts';
import { openSqliteAuthorityStore } from './sqlite-authority-store.ts';

const long = process.env.HEED_TEST_SIZE === 'long';
const seed = process.env.HEED_TEST_SEED === undefined ? undefined : Number(process.env.HEED_TEST_SEED);
const minute = 60_000;

const fixture = makeFixture({
  lease: { ttl: '30m' },
  succession: [{ successor: 'carol', for: 'alice', after: '30m', timeLock: '20m' }],
});

/** Orders a principal may send; revocations, rotations and charter changes included. */
const steps = fc.oneof(
  fc.record({ kind: fc.constant('stop' as const), by: fc.constantFrom(['bob'], ['alice'], ['carol']) }),
  fc.record({ kind: fc.constant('resume' as const), by: fc.constantFrom(['alice', 'dana'], ['alice']) }),
  fc.record({ kind: fc.constant('task' as const), by: fc.constantFrom(['alice'], ['bob']) }),
  fc.record({ kind: fc.constant('lease' as const), by: fc.constantFrom(['bob'], ['dana']) }),
  fc.record({
    kind: fc.constant('revoke' as const),
    by: fc.constant(['alice', 'dana']),
    target: fc.constantFrom('bob'),
  }),
  fc.record({ kind: fc.constant('rotate' as const), by: fc.constant(['alice', 'dana']) }),
  fc.record({ kind: fc.constant('charter' as const), by: fc.constant(['alice', 'dana']) }),
  fc.record({ kind: fc.constant('claim' as const), by: fc.constant(['carol']) }),
  fc.record({ kind: fc.constant('veto' as const), by: fc.constantFrom(['alice'], ['dana']) }),
  fc.record({ kind: fc.constant('amend' as const), by: fc.constantFrom(['alice'], ['bob']) }),
  fc.record({ kind: fc.constantFrom('approve' as const, 'deny' as const), by: fc.constantFrom(['bob'], ['alice']) }),
  fc.record({ kind: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('restart' as const) }),
);

type Step = typeof steps extends fc.Arbitrary<infer T> ? T : never;

function sqliteStore(): AuthorityStore {
  return openSqliteAuthorityStore(join(mkdtempSync(join(tmpdir(), 'heed-journal-')), 'heed.db'));
}

/**
 * Runs the steps on an authority over `store`; at each restart (and at the end) a new authority is restored from the
 * store and must hold exactly the state the running one had, less the tasks, which end with their run.
 */
function play(script: Step[], store: AuthorityStore): number {
  const clock = new ManualClock(start);
  let live = createAuthority({ charter: fixture.charter, clock, store });
  let restarts = 0;
  let counter = 0;
  const restart = () => {
    const expected = { ...live.state(clock.now()), task: null, conflict: [] };
    live = createAuthority({ charter: fixture.charter, clock, store });
    expect(live.state(clock.now())).toEqual(expected);
    restarts += 1;
  };
  let lastClaim = 'no-claim-yet';
  for (const step of script) {
    if (step.kind === 'wait') clock.advance(step.minutes * minute);
    else if (step.kind === 'restart') restart();
    else {
      const body = step.kind === 'veto' ? { claim: lastClaim } : bodyFor(step, ++counter);
      const envelope = fixture.order(step.kind as OrderKind, body, [...step.by], { now: clock.now() });
      if (step.kind === 'claim') lastClaim = envelope.id;
      live.receive(envelope);
    }
  }
  restart();
  return restarts;
}

function bodyFor(step: Exclude<Step, { kind: 'wait' | 'restart' }>, counter: number): Record<string, unknown> {
  switch (step.kind) {
    case 'stop':
      return { reason: `stop ${counter}` };
    case 'task':
      return { text: `task ${counter}` };
    case 'revoke':
      return { principal: step.target };
    case 'rotate':
      return { principal: 'bob', key: makeFixture().charter.principals[1]!.key };
    case 'charter':
      return { charter: { ...fixture.charterInput, conflict: counter % 2 === 0 ? 'latest' : 'rank' } };
    case 'claim':
      return { for: 'alice' };
    case 'amend':
      return { text: `amendment ${counter}` };
    case 'approve':
    case 'deny':
      return { action: (counter % 3).toString(16).repeat(64) };
    default:
      return {};
  }
}

describe('the authority journal', () => {
  it.each([
    ['memory', createMemoryAuthorityStore],
    ['sqlite', sqliteStore],
  ])('%s: restores exactly the state the running authority had, wherever the restart falls', (_name, open) => {
    fc.assert(
      fc.property(fc.array(steps, { minLength: 1, maxLength: long ? 400 : 90, size: 'max' }), (script) => {
        expect(play(script, open())).toBeGreaterThan(0);
      }),
      { numRuns: long ? 200 : 12, ...(seed === undefined ? {} : { seed }) },
    );
  });

  it('keeps a snapshot every 64 entries and replays only what followed it', () => {
    const store = sqliteStore();
    const clock = new ManualClock(start);
    const authority = createAuthority({ charter: fixture.charter, clock, store });
    for (let index = 0; index < 70; index++) {
      clock.advance(minute);
      expect(authority.receive(fixture.order('lease', {}, ['bob'], { now: clock.now() })).effect?.type).toBe(
        'lease-renewed',
      );
    }
    const stored = store.load(fixture.charter.agent)!;
    expect(stored.snapshot?.seq).toBe(64);
    expect(stored.entries).toHaveLength(6);
    expect(stored.length).toBe(70);
    const restored = createAuthority({ charter: fixture.charter, clock, store });
    expect(restored.state().leaseRenewedAt).toBe(clock.now());
  });

  it('refuses a damaged journal instead of guessing the authority', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'heed-journal-')), 'heed.db');
    const store = openSqliteAuthorityStore(path);
    const clock = new ManualClock(start);
    const authority = createAuthority({ charter: fixture.charter, clock, store });
    authority.receive(fixture.order('stop', {}, ['bob'], { now: clock.now() }));
    authority.receive(fixture.order('lease', {}, ['bob'], { now: clock.now() }));
    const database = new DatabaseSync(path);
    database.exec('DELETE FROM authority_journal WHERE seq = 1');
    database.close();
    expect(() => createAuthority({ charter: fixture.charter, clock, store })).toThrow(
      /is damaged: journal entry 1 of agent 'demo-agent' is missing/,
    );
    const edited = new DatabaseSync(path);
    edited.exec(`INSERT INTO authority_journal VALUES ('demo-agent', 1, '{"kind":"order","at":"x"}')`);
    edited.close();
    expect(() => createAuthority({ charter: fixture.charter, clock, store })).toThrow(/journal entry 1 .* is invalid/);
  });

  it('refuses a charter other than the one the agent began with or holds now', () => {
    const store = createMemoryAuthorityStore();
    const clock = new ManualClock(start);
    const first = createAuthority({ charter: fixture.charter, clock, store });
    first.receive(fixture.order('revoke', { principal: 'bob' }, ['alice', 'dana'], { now: clock.now() }));
    const other = makeFixture().charter;
    expect(() => createAuthority({ charter: { ...other, agent: 'demo-agent' }, clock, store })).toThrow(
      /differs from the one its state store holds/,
    );
    // The charter it holds now (bob revoked) and the one it began with both restore it.
    expect(createAuthority({ charter: first.charter(), clock, store }).state().charter.principals[1]!.revoked).toBe(
      true,
    );
    expect(createAuthority({ charter: fixture.charter, clock, store }).state().charter.principals[1]!.revoked).toBe(
      true,
    );
  });
});

describe('a state store that fails', () => {
  it('refuses an order it cannot journal, and still answers what time changed', () => {
    const inner = createMemoryAuthorityStore();
    let failing = false;
    const store: AuthorityStore = {
      ...inner,
      append: (...args) => {
        if (failing) throw new Error('disk full');
        inner.append(...args);
      },
    };
    const clock = new ManualClock(start);
    const authority = createAuthority({ charter: fixture.charter, clock, store });
    clock.advance(3 * 60 * minute);
    expect(
      authority.receive(fixture.order('claim', { for: 'alice' }, ['carol'], { now: clock.now() })).effect?.type,
    ).toBe('succession-claimed');
    failing = true;
    const stop = fixture.order('stop', {}, ['bob'], { now: clock.now() });
    expect(() => authority.receive(stop)).toThrow(/disk full/);
    expect(authority.state().stopped).toBeNull();
    expect(store.has(stop.id)).toBe(false);
    clock.advance(2 * 60 * minute);
    // The time-lock ended: the change is answered though its journal entry could not be written, and a restart,
    // replaying the claim, reaches the same roster.
    expect(authority.state().charter.principals.find((principal) => principal.id === 'carol')?.roles).toContain(
      'owner',
    );
    failing = false;
    const restarted = createAuthority({ charter: fixture.charter, clock, store });
    expect(restarted.state().charter).toEqual(authority.state().charter);
  });
});
