// Kernel.callTool: a tool call that another agent loop asked for, through the kernel's own gate.
import { describe, expect, it } from 'vitest';
import { createMemoryAuthorityStore } from '../../src/authority/store/memory-authority-store.ts';
import { createTestKernel, signOrder, testCharter, types, waitFor } from './kernel-fixture.ts';
import { echoTool, honouringTool } from './test-tools.ts';

const clock = { now: () => Date.now() };
const call = (name: string, args: unknown, id = `call-${name}`) => ({ id, name, arguments: JSON.stringify(args) });

describe('Kernel.callTool', () => {
  it('runs an allowed call without a task order, and rejects unknown tools and bad arguments', async () => {
    const { kernel, store } = await createTestKernel({ turns: [], tools: [echoTool()] });
    expect(await kernel.callTool(call('echo', { text: 'hi' }))).toEqual({ outcome: 'ok', text: 'hi', flagged: false });
    expect((await kernel.callTool(call('nope', {}))).text).toMatch(/unknown-tool.*known tools: echo/);
    expect((await kernel.callTool(call('echo', { text: 1 }))).outcome).toBe('rejected');
    expect((await kernel.callTool({ id: 'x', name: 'echo', arguments: '{not json' })).text).toMatch(/malformed/);
    expect(types(store)).toContain('tool-call-start');
    await kernel.close();
  });

  it('queues concurrent checks: each runs once its own approval arrives', async () => {
    const { kernel, store } = await createTestKernel({
      turns: () => ({ text: 'It sends the text.' }),
      tools: [echoTool('external', 'send')],
    });
    const first = kernel.callTool(call('send', { text: 'one' }, 'a'));
    const second = kernel.callTool(call('send', { text: 'two' }, 'b'));
    await waitFor(() => kernel.status().pendingCheck !== null);
    const firstAction = kernel.status().pendingCheck!.action;
    expect(store.entries.filter((entry) => entry.type === 'check-requested')).toHaveLength(1);
    kernel.deliver(signOrder('approve', { action: firstAction }, { clock }));
    expect(await first).toMatchObject({ outcome: 'ok', text: 'one' });
    await waitFor(() => (kernel.status().pendingCheck?.action ?? firstAction) !== firstAction);
    const secondAction = kernel.status().pendingCheck!.action;
    // An approval of the first action does not answer the second.
    kernel.deliver(signOrder('approve', { action: firstAction }, { clock }));
    kernel.deliver(signOrder('deny', { action: secondAction, reason: 'no' }, { clock, principal: 'bob' }));
    expect(await second).toMatchObject({ outcome: 'denied', text: 'Not run: bob denied this action. Reason: no' });
    expect(kernel.status().pendingCheck).toBeNull();
    await kernel.close();
  });

  it("ends a wait for a check when the caller's signal aborts", async () => {
    const { kernel, store } = await createTestKernel({
      turns: () => ({ text: 'It sends the text.' }),
      tools: [echoTool('external', 'send')],
    });
    const controller = new AbortController();
    const pending = kernel.callTool(call('send', { text: 'one' }), { signal: controller.signal });
    await waitFor(() => kernel.status().pendingCheck !== null);
    controller.abort();
    expect((await pending).outcome).toBe('aborted');
    await waitFor(() => store.entries.some((entry) => entry.type === 'check-answered'));
    expect(store.entries.find((entry) => entry.type === 'check-answered')?.data.answer).toBe('cancelled');
    expect(kernel.status().pendingCheck).toBeNull();
    await kernel.close();
  });

  it('starts nothing once stopped, and a stop aborts a call in flight', async () => {
    const { kernel } = await createTestKernel({ turns: [], tools: [honouringTool(5000), echoTool()] });
    const running = kernel.callTool(call('wait', {}));
    await waitFor(() => kernel.status().inFlight.length === 1);
    expect(kernel.deliver(signOrder('stop', {}, { clock })).accepted).toBe(true);
    expect(kernel.signal.aborted).toBe(true);
    expect((await running).outcome).toBe('halted');
    expect((await kernel.callTool(call('echo', { text: 'late' }))).outcome).toBe('halted');
    await kernel.close();
  });

  it('a stop that outlived the process halts the next kernel at its first call', async () => {
    const authorityStore = createMemoryAuthorityStore();
    const charter = testCharter();
    const first = await createTestKernel({ turns: [], tools: [echoTool()], charter, authorityStore });
    first.kernel.deliver(signOrder('stop', {}, { clock }));
    await first.kernel.close();
    const second = await createTestKernel({ turns: [], tools: [echoTool()], charter, authorityStore });
    const result = await second.kernel.callTool(call('echo', { text: 'hi' }));
    expect(result.outcome).toBe('halted');
    expect(result.text).toMatch(/the agent is stopped/);
    expect(second.kernel.status().halt?.reason).toBe('stop');
    await second.kernel.close();
  });
});
