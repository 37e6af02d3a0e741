// The authority's clocks outlive the process: the lease and each principal's silence count from when they last
// changed, not from the latest start. Before, a restart renewed the lease and reset every silence clock, so an agent
// whose principals had gone missing worked on, and a successor's claim could never ripen across restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import type { CharterInput, OrderKind } from '../../src/charter/charter-schema.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { createAgent } from '../../src/kernel/create-agent.ts';
import { createScriptedProvider } from '../../src/providers/scripted/scripted-provider.ts';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const keys = { alice: generateKeyPair(), bob: generateKeyPair(), carol: generateKeyPair() };
const minute = 60_000;

function charter(extra: Partial<CharterInput>): CharterInput {
  return {
    agent: 'clocked',
    target: 'if-ranked',
    principals: [
      { id: 'alice', key: keys.alice.publicKeyText, roles: ['owner'] },
      { id: 'bob', key: keys.bob.publicKeyText, roles: ['operator'] },
      { id: 'carol', key: keys.carol.publicKeyText, roles: ['successor'] },
    ],
    ...extra,
  };
}

function order(clock: ManualClock, kind: OrderKind, body: Record<string, unknown>, signer: keyof typeof keys) {
  const unsigned = createEnvelope({ agent: 'clocked', kind, body, ttlMs: 10 * minute, now: clock.now() });
  return signEnvelope(unsigned, { principal: signer, privateKey: keys[signer].privateKey });
}

/** A restart: a new agent over the same state folder, at the clock's time. */
function start(stateDir: string, clock: ManualClock, input: CharterInput) {
  return createAgent({
    charter: input,
    stateDir,
    provider: createScriptedProvider({ turns: [{ text: 'done' }] }),
    clock,
    screening: false,
  });
}

function stateFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'heed-restart-clocks-'));
  folders.push(folder);
  return join(folder, '.heed');
}

describe('the authority clocks survive a restart', () => {
  it('halts on a lease that ran out while the agent was down', async () => {
    const input = charter({ lease: { ttl: '30m' }, authority: { lease: { roles: ['owner'] } } });
    const stateDir = stateFolder();
    const clock = new ManualClock();
    const first = await start(stateDir, clock, input);
    expect(first.deliver(order(clock, 'task', { text: 'one' }, 'alice')).accepted).toBe(true);
    expect(await first.runToEnd()).toMatchObject({ type: 'final' });
    await first.close();

    clock.advance(45 * minute);
    // bob may give tasks but not renew the lease: nobody who may has been heard from for 45 minutes.
    const second = await start(stateDir, clock, input);
    expect(second.deliver(order(clock, 'task', { text: 'two' }, 'bob')).accepted).toBe(true);
    expect(await second.runToEnd()).toMatchObject({ type: 'halted', reason: 'lease-expired' });
    await second.close();

    // An order from a principal who may renew the lease proves them present again: the next run works.
    const third = await start(stateDir, clock, input);
    expect(third.deliver(order(clock, 'task', { text: 'three' }, 'alice')).accepted).toBe(true);
    expect(await third.runToEnd()).toMatchObject({ type: 'final' });
    await third.close();
  });

  it('counts a principal silence across restarts, so a succession ripens and completes while the agent is down', async () => {
    const input = charter({ succession: [{ successor: 'carol', for: 'alice', after: '2h', timeLock: '1h' }] });
    const stateDir = stateFolder();
    const clock = new ManualClock();
    const first = await start(stateDir, clock, input);
    expect(first.deliver(order(clock, 'task', { text: 'one' }, 'bob')).accepted).toBe(true);
    await first.runToEnd();
    await first.close();

    clock.advance(150 * minute);
    const second = await start(stateDir, clock, input);
    const claim = second.deliver(order(clock, 'claim', { for: 'alice' }, 'carol'));
    expect(claim).toMatchObject({ accepted: true, effect: 'succession-claimed' });
    await second.close();

    clock.advance(61 * minute);
    const third = await start(stateDir, clock, input);
    // The time-lock ended while no agent ran: carol now holds alice's owner role and may give tasks.
    expect(third.charter().principals.find((principal) => principal.id === 'carol')?.roles).toContain('owner');
    expect(third.charter().principals.find((principal) => principal.id === 'alice')?.revoked).toBe(true);
    expect(third.deliver(order(clock, 'task', { text: 'three' }, 'carol'))).toMatchObject({ accepted: true });
    expect(await third.runToEnd()).toMatchObject({ type: 'final' });
    await third.close();
  });
});
