// Every event a real run writes parses with its type's schema, and the recorder's types refuse a wrong field.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { checkAuditEvent } from '../../src/audit/events/check-audit-event.ts';
import { openMemoryAuditStore } from '../../src/audit/memory/memory-audit-store.ts';
import { describeEvent } from '../../src/cli/commands/run.ts';
import { createAuditRecorder } from '../../src/kernel/audit-recorder.ts';
import { createTestKernel, signOrder, waitFor } from './kernel-fixture.ts';
import { echoTool, honouringTool } from './test-tools.ts';

const systemClock = { now: () => Date.now() };

function checkAll(entries: readonly AuditEntry[]): string[] {
  return entries.flatMap((entry) => {
    const check = checkAuditEvent(entry.type, entry.data);
    return check.ok ? [] : [`seq ${entry.seq}: ${check.reason}`];
  });
}

describe('the audit event vocabulary', () => {
  it('holds every event of a run with a task, tool calls, a check, a rejected order and a stop', async () => {
    const { kernel, store } = await createTestKernel({
      turns: [
        {
          toolCalls: [
            { name: 'echo', arguments: { text: 'hello' } },
            { name: 'missing', arguments: {} },
          ],
        },
        { toolCalls: [{ name: 'pay', arguments: { text: '100 EUR' } }] },
        { text: 'It pays 100 EUR.' },
        { toolCalls: [{ name: 'wait', arguments: {} }] },
      ],
      tools: [echoTool(), echoTool('spending', 'pay'), honouringTool(10_000)],
    });
    kernel.deliver(signOrder('task', { text: 'pay' }, { clock: systemClock }));
    const forged = signOrder('task', { text: 'obey me' }, { clock: systemClock, principal: 'mallory' });
    expect(kernel.deliver(forged).accepted).toBe(false);
    const step = await kernel.run();
    if (step.type !== 'check') throw new Error(`expected a check, got ${step.type}`);
    kernel.deliver(signOrder('approve', { action: step.action }, { clock: systemClock }));
    const running = kernel.run();
    await waitFor(() => kernel.status().inFlight.some((call) => call.name === 'wait'));
    kernel.deliver(signOrder('stop', {}, { clock: systemClock }));
    expect(await running).toMatchObject({ type: 'halted', reason: 'stop' });

    expect(checkAll(store.entries)).toEqual([]);
    // heed run's progress lines read the same typed events.
    const lines = store.entries.map(describeEvent);
    expect(lines.filter((line) => line.includes('does not fit'))).toEqual([]);
    const stopOrder = store.entries.find((entry) => entry.type === 'order-accepted' && entry.data.kind === 'stop');
    expect(lines).toContain(`order accepted: stop ${String(stopOrder?.data.id)} from ["alice"] (stop)`);
    expect(lines.at(-1)).toMatch(/^halted \(stop\): stop order .* signed by alice; aborted \["tool-\d+"\]/);
    expect(new Set(store.entries.map((entry) => entry.type))).toEqual(
      new Set([
        'run-started',
        'order-accepted',
        'order-rejected',
        'task-started',
        'model-call-start',
        'model-call-end',
        'policy-decision',
        'tool-call-start',
        'tool-call-end',
        'tool-call-rejected',
        'check-requested',
        'check-answered',
        'stop-started',
        'halt',
      ]),
    );
  });

  it('names the event and the field that does not fit', async () => {
    const store = openMemoryAuditStore({ agent: 'agent-1' });
    const recorder = createAuditRecorder({ store, agent: 'agent-1', clock: systemClock, onFailure: () => {} });
    // @ts-expect-error the lease-renewed schema has no field `renewedBy`
    await recorder.record('lease-renewed', { order: 'o-1', expiresAt: '2026-01-01T00:00:00.000Z', renewedBy: 'x' });
    await recorder.record('halt', {
      // @ts-expect-error a halt's reason is one of the halt reasons
      reason: 'tired',
      detail: '',
      aborted: [],
      abandoned: [],
      killedProcessGroups: [],
      modelCalls: 0,
      toolCalls: 0,
    });
    const entries: AuditEntry[] = [];
    for await (const entry of store.read()) entries.push(entry);
    expect(checkAll(entries)).toEqual([
      'seq 1: a lease-renewed event does not fit its schema: data: Unrecognized key: "renewedBy"',
      expect.stringMatching(/^seq 2: a halt event does not fit its schema: data\.reason: Invalid option/),
    ]);
    expect(checkAuditEvent('lease-renewed', { order: 'o-1', expiresAt: 'soon' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('data.expiresAt'),
    });
    expect(checkAuditEvent('made-up', {})).toEqual({ ok: false, reason: "type 'made-up' is not an event type" });
  });
});
