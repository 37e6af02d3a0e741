import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { openMemoryAuditStore } from '../../src/audit/memory/memory-audit-store.ts';
import type { Delivery } from '../../src/kernel/deliver-order.ts';
import { createTestKernel, signOrder } from './kernel-fixture.ts';

const systemClock = { now: () => Date.now() };

/** Settles with `work`, or rejects naming `what` if it has not within a bound far above any commit. */
async function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled`)), 3000);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a stop after a resume', () => {
  it('halts an idle agent and commits like the first stop', async () => {
    // The agent's own audit store (deferred entries share later commits), as an agent joined to a server has.
    const { kernel } = await createTestKernel({
      turns: [{ text: 'never' }],
      extra: { audit: openMemoryAuditStore({ agent: 'agent-1' }) },
    });
    const entries: AuditEntry[] = [];
    kernel.onEvent((entry) => entries.push(entry));
    const deliver = (kind: 'stop' | 'resume'): Promise<Delivery> =>
      within(kernel.deliverRecorded(signOrder(kind, {}, { clock: systemClock })), `the ${kind}`);
    expect(await deliver('stop')).toMatchObject({ accepted: true, kind: 'stop' });
    await within(waitForType(entries, 'halt', 1), 'the first halt');
    expect(await deliver('resume')).toMatchObject({ accepted: true, kind: 'resume' });
    expect(kernel.authorityState().stopped).toBeNull();
    expect(await deliver('stop')).toMatchObject({ accepted: true, kind: 'stop' });
    await within(waitForType(entries, 'halt', 2), 'the second halt');
    expect(kernel.authorityState().stopped).not.toBeNull();
    expect(entries.map((entry) => entry.type).filter((type) => type !== 'run-started')).toEqual([
      'order-accepted',
      'stop-started',
      'halt',
      'order-accepted',
      'order-accepted',
      'stop-started',
      'halt',
    ]);
    const halts = entries.filter((entry) => entry.type === 'halt');
    const stops = entries.filter((entry) => entry.type === 'order-accepted' && entry.data.kind === 'stop');
    expect(halts.map((entry) => entry.data.reason)).toEqual(['stop', 'stop']);
    expect(halts.map((entry) => entry.data.detail)).toEqual(
      stops.map((entry) => expect.stringContaining(`stop order ${String(entry.data.id)}`)),
    );
    expect(await kernel.run()).toMatchObject({ type: 'halted', reason: 'stop' });
    await kernel.close();
  });

  it('halts a run stopped mid-call, then answers the stop after a resume and a task with a halt of its own', async () => {
    const { kernel, provider } = await createTestKernel({
      turns: [{ text: 'slow', delayMs: 10_000 }, { text: 'never' }],
      extra: { audit: openMemoryAuditStore({ agent: 'agent-1' }) },
    });
    const entries: AuditEntry[] = [];
    kernel.onEvent((entry) => entries.push(entry));
    const deliver = (kind: 'stop' | 'resume' | 'task'): Promise<Delivery> =>
      within(
        kernel.deliverRecorded(signOrder(kind, kind === 'task' ? { text: 'work' } : {}, { clock: systemClock })),
        `the ${kind}`,
      );
    expect(await deliver('task')).toMatchObject({ accepted: true });
    const running = kernel.run();
    await within(waitForType(entries, 'model-call-start', 1), 'the model call');
    expect(await deliver('stop')).toMatchObject({ accepted: true });
    expect(await within(running, 'the run')).toMatchObject({ type: 'halted', reason: 'stop' });
    expect(await deliver('resume')).toMatchObject({ accepted: true });
    // The halted run takes no new work: a resumed agent starts a new run.
    expect(await deliver('task')).toMatchObject({ accepted: true });
    expect(await deliver('stop')).toMatchObject({ accepted: true });
    await within(waitForType(entries, 'halt', 2), 'the second halt');
    const halts = entries.filter((entry) => entry.type === 'halt');
    expect(halts.map((entry) => [entry.data.reason, entry.data.aborted])).toEqual([
      ['stop', ['model-1']],
      ['stop', []],
    ]);
    expect(entries.filter((entry) => entry.type === 'task-started')).toHaveLength(1);
    expect(provider.calls).toHaveLength(1);
    expect(await kernel.run()).toMatchObject({ type: 'halted', reason: 'stop' });
    await kernel.close();
  });
});

function waitForType(entries: AuditEntry[], type: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (entries.filter((entry) => entry.type === type).length >= count) resolve();
      else setTimeout(check, 2);
    };
    check();
  });
}
