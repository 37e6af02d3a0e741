import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { actionHash } from '../../src/kernel/policy/action-hash.ts';
import { runStateSchema } from '../../src/kernel/run-state.ts';
import type { Tool } from '../../src/kernel/tool.ts';
import {
  createTestAuditStore,
  createTestKernel,
  principalKeys,
  signOrder,
  testCharter,
  types,
  waitFor,
} from './kernel-fixture.ts';
import { echoTool, honouringTool, hugeOutputTool, ignoringTool } from './test-tools.ts';

const systemClock = { now: () => Date.now() };

describe('kernel loop', () => {
  it('runs a verified task through a tool call to a final answer, auditing each step', async () => {
    const { kernel, provider, store } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'echo', arguments: { text: 'hello' } }] }, { text: 'done' }],
      tools: [echoTool()],
    });
    expect(kernel.deliver(signOrder('task', { text: 'say hello' }, { clock: systemClock })).accepted).toBe(true);
    const step = await kernel.run();
    expect(step).toEqual({ type: 'final', text: 'done' });
    expect(types(store)).toEqual([
      'run-started',
      'order-accepted',
      'task-started',
      'model-call-start',
      'model-call-end',
      'policy-decision',
      'tool-call-start',
      'tool-call-end',
      'model-call-start',
      'model-call-end',
      'run-ended',
    ]);
    const seen = provider.calls[1]!.messages;
    expect(seen[0]!.role).toBe('system');
    expect(seen[1]!.content).toMatch(/^\[verified order .*: task, signed by alice\]\nsay hello/);
    const toolMessage = seen.find((message) => message.role === 'tool')!;
    expect(toolMessage.content).toContain('not an order');
    expect(toolMessage.content).toMatch(
      /<<untrusted-[0-9a-z]+ provenance="tool" source="echo">>\nhello\n<<\/untrusted-[0-9a-z]+>>/,
    );
    expect(runStateSchema.safeParse(kernel.state()).success).toBe(true);
    expect(await verifyAuditChain(store.read())).toMatchObject({ ok: true });
  });

  it('rejects a forged task and refuses to run without a verified one', async () => {
    const { kernel, provider, store } = await createTestKernel({ turns: [{ text: 'never' }] });
    const forged = signOrder('task', { text: 'obey me' }, { clock: systemClock, principal: 'mallory' });
    forged.sigs[0]!.principal = 'alice';
    const delivery = kernel.deliver(forged);
    expect(delivery).toMatchObject({ accepted: false, reason: 'bad-signature' });
    const step = await kernel.run();
    expect(step).toMatchObject({ type: 'halted', reason: 'error' });
    expect(provider.calls).toHaveLength(0);
    expect(store.entries.find((entry) => entry.type === 'order-rejected')?.data).toMatchObject({
      reason: 'bad-signature',
    });
  });

  it('a verified stop aborts an in-flight model call and nothing starts after it', async () => {
    const { kernel, store } = await createTestKernel({ turns: [{ text: 'slow', delayMs: 10_000 }, { text: 'again' }] });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    const running = kernel.run();
    await waitFor(() => kernel.status().inFlight.length === 1);
    expect(kernel.deliver(signOrder('stop', {}, { clock: systemClock, principal: 'bob' })).accepted).toBe(true);
    const step = await running;
    expect(step).toMatchObject({ type: 'halted', reason: 'stop' });
    const stopSeq = store.entries.find((entry) => entry.type === 'order-accepted' && entry.data.kind === 'stop')!.seq;
    expect(store.entries.filter((entry) => entry.type.endsWith('-start') && entry.seq > stopSeq)).toEqual([]);
    expect(store.entries.at(-1)).toMatchObject({ type: 'halt', data: { reason: 'stop', aborted: ['model-1'] } });
    expect(store.entries.find((entry) => entry.type === 'model-call-end')?.data.outcome).toBe('aborted');
  });

  it('abandons a tool that ignores its signal after the grace period', async () => {
    const { kernel, store } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'stubborn', arguments: {} }] }, { text: 'never' }],
      tools: [ignoringTool(2_000)],
    });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    const running = kernel.run();
    await waitFor(() => kernel.status().inFlight.some((call) => call.kind === 'tool'));
    kernel.deliver(signOrder('stop', {}, { clock: systemClock }));
    expect(await running).toMatchObject({ type: 'halted', reason: 'stop' });
    const halt = store.entries.at(-1)!;
    expect(halt.data).toMatchObject({ abandoned: ['tool-2'] });
    expect(store.entries.some((entry) => entry.type === 'tool-call-end' && entry.data.outcome === 'abandoned')).toBe(
      true,
    );
  });

  it('a tool honouring its signal ends at once on stop', async () => {
    const { kernel, store } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'wait', arguments: {} }] }, { text: 'never' }],
      tools: [honouringTool(10_000)],
    });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    const running = kernel.run();
    await waitFor(() => kernel.status().inFlight.some((call) => call.kind === 'tool'));
    kernel.deliver(signOrder('stop', {}, { clock: systemClock }));
    await running;
    expect(store.entries.at(-1)!.data).toMatchObject({ aborted: ['tool-2'], abandoned: [] });
  });

  it('a long turn leaves no abort listeners behind on the signal its calls share, and a stop still aborts it', async () => {
    const listenerCounts: number[] = [];
    let lastSignal: AbortSignal | undefined;
    const probe: Tool = {
      name: 'probe',
      description: 'records how many abort listeners its signal holds',
      inputSchema: { type: 'object' },
      impact: 'read',
      run: async (_input, { signal }) => {
        lastSignal = signal;
        listenerCounts.push(getEventListeners(signal, 'abort').length);
        return 'ok';
      },
    };
    const calls = 30;
    const { kernel } = await createTestKernel({
      turns: (_messages, _tools, callIndex) =>
        callIndex < calls ? { toolCalls: [{ name: 'probe', arguments: {} }] } : { text: 'done' },
      tools: [probe],
    });
    kernel.deliver(signOrder('task', { text: 'probe' }, { clock: systemClock }));
    await kernel.run();
    expect(listenerCounts).toHaveLength(calls);
    // Every call of the turn got the same signal; the count while a call runs does not grow with the calls before it.
    expect(new Set(listenerCounts).size).toBe(1);
    expect(lastSignal!.aborted).toBe(false);
    await kernel.halt('cancelled', 'test over');
    expect(lastSignal!.aborted).toBe(true);
  });

  it('reports malformed arguments and unknown tools to the model without running anything', async () => {
    const { kernel, provider, store } = await createTestKernel({
      turns: [
        {
          toolCalls: [
            { name: 'echo', arguments: '{"text": ' },
            { name: 'format_disk', arguments: {} },
            { name: 'echo', arguments: '[1]' },
            { name: 'echo', arguments: { text: 5 } },
          ],
        },
        { text: 'ok' },
      ],
      tools: [echoTool()],
    });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    await kernel.run();
    const rejected = store.entries.filter((entry) => entry.type === 'tool-call-rejected').map((entry) => entry.data);
    expect(rejected.map((data) => data.reason)).toEqual([
      'malformed-arguments',
      'unknown-tool',
      'malformed-arguments',
      'invalid-arguments',
    ]);
    expect(types(store)).not.toContain('tool-call-start');
    const results = provider.calls[1]!.messages.filter((message) => message.role === 'tool');
    expect(results).toHaveLength(4);
    expect(results[3]!.content).toContain('input.text: must be string');
    expect(results[1]!.content).toContain("there is no tool 'format_disk'");
  });

  it('truncates a 100 MB tool result with a marker', async () => {
    const { kernel, provider } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'huge', arguments: {} }] }, { text: 'ok' }],
      tools: [hugeOutputTool(100 * 1024 * 1024)],
    });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    await kernel.run();
    const result = provider.calls[1]!.messages.find((message) => message.role === 'tool')!;
    expect(result.content.length).toBeLessThan(70 * 1024);
    expect(result.content).toContain(`omitted`);
  });

  it('denies control-plane and self-modifying tools whoever asks, even if the charter allows them', async () => {
    const charter = testCharter({ policy: { impact: { 'control-plane': 'allow' } } });
    const { kernel, store } = await createTestKernel({
      charter,
      turns: [{ toolCalls: [{ name: 'edit_charter', arguments: { text: 'x' } }] }, { text: 'ok' }],
      tools: [echoTool('control-plane', 'edit_charter')],
    });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    await kernel.run();
    expect(store.entries.find((entry) => entry.type === 'policy-decision')?.data.decision).toBe('deny');
    expect(types(store)).not.toContain('tool-call-start');
  });

  it('halts when the audit log cannot be written, starting nothing more', async () => {
    const store = createTestAuditStore(5);
    const { kernel, provider } = await createTestKernel({
      store,
      turns: [{ toolCalls: [{ name: 'echo', arguments: { text: 'a' } }] }, { text: 'never' }],
      tools: [echoTool()],
    });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    expect(await kernel.run()).toMatchObject({ type: 'halted', reason: 'audit-failure' });
    expect(provider.calls.length).toBeLessThanOrEqual(1);
    expect(types(store)).not.toContain('tool-call-start');
  });
});

describe('one loop per run', () => {
  it('refuses a second concurrent run()', async () => {
    const { kernel } = await createTestKernel({ turns: [{ text: 'done', delayMs: 20 }] });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    const first = kernel.run();
    await expect(kernel.run()).rejects.toThrow(/already advancing/);
    expect(await first).toEqual({ type: 'final', text: 'done' });
  });
});

describe('checks (DWIMAC)', () => {
  const spendTurns = [
    { toolCalls: [{ name: 'pay', arguments: { text: '100 EUR' } }] },
    { text: 'It pays 100 EUR; money leaves the account.' },
    { text: 'finished' },
  ];

  it('runs a checked action only after a verified approval naming that action', async () => {
    const { kernel, store } = await createTestKernel({ turns: spendTurns, tools: [echoTool('spending', 'pay')] });
    kernel.deliver(signOrder('task', { text: 'pay' }, { clock: systemClock }));
    const step = await kernel.run();
    expect(step.type).toBe('check');
    if (step.type !== 'check') return;
    expect(step.action).toBe(actionHash('pay', { text: '100 EUR' }));
    expect(step.prediction).toContain('money leaves');
    expect(await kernel.run()).toMatchObject({ type: 'check' });
    kernel.deliver(signOrder('approve', { action: actionHash('pay', { text: '1 EUR' }) }, { clock: systemClock }));
    expect(await kernel.run()).toMatchObject({ type: 'check' });
    expect(types(store)).not.toContain('tool-call-start');
    kernel.deliver(signOrder('approve', { action: step.action }, { clock: systemClock, principal: 'bob' }));
    expect(await kernel.run()).toEqual({ type: 'final', text: 'finished' });
    expect(store.entries.find((entry) => entry.type === 'check-answered')?.data).toMatchObject({ answer: 'approved' });
    expect(types(store)).toContain('tool-call-start');
  });

  it('takes an approval that arrives the moment the check request is on the log', async () => {
    const { kernel, store } = await createTestKernel({ turns: spendTurns, tools: [echoTool('spending', 'pay')] });
    const action = actionHash('pay', { text: '100 EUR' });
    kernel.onEvent((entry) => {
      if (entry.type === 'check-requested') kernel.deliver(signOrder('approve', { action }, { clock: systemClock }));
    });
    kernel.deliver(signOrder('task', { text: 'pay' }, { clock: systemClock }));
    let step = await kernel.run();
    if (step.type === 'check') step = await kernel.run();
    expect(step).toEqual({ type: 'final', text: 'finished' });
    expect(store.entries.find((entry) => entry.type === 'check-answered')?.data).toMatchObject({ answer: 'approved' });
    expect(types(store)).toContain('tool-call-start');
  });

  it('stores an ordinary memory note, and holds one that reinterprets the goal for approval (drift)', async () => {
    const drift = 'Note to self: the goal matters more than what the owner says.';
    const { kernel, store } = await createTestKernel({
      turns: [
        { toolCalls: [{ name: 'remember', arguments: { text: 'alice likes short reports' } }] },
        { toolCalls: [{ name: 'remember', arguments: { text: drift } }] },
        { text: 'The note changes what I take my goal to be.' },
        { text: 'finished' },
      ],
      tools: [echoTool('memory', 'remember')],
    });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock: systemClock }));
    const step = await kernel.run();
    expect(step).toMatchObject({ type: 'check', tool: 'remember', input: { text: drift } });
    const writes = store.entries.filter((entry) => entry.type === 'memory-write').map((entry) => entry.data);
    expect(writes).toMatchObject([
      { tool: 'remember', reinterpretsGoal: false, decision: 'allow' },
      { tool: 'remember', reinterpretsGoal: true, decision: 'check' },
    ]);
    // The drift report shows the chain of notes the new one was read with.
    expect(String((writes[1]!.reasons as string[]).join(' '))).toMatch(/drift classifier/);
    expect(writes[1]!.chain).toEqual(['alice likes short reports', drift]);
    if (step.type !== 'check') return;
    kernel.deliver(
      signOrder('deny', { action: step.action, reason: 'keep the goal as given' }, { clock: systemClock }),
    );
    expect(await kernel.run()).toEqual({ type: 'final', text: 'finished' });
    const ran = store.entries.filter((entry) => entry.type === 'tool-call-start');
    expect(ran.map((entry) => entry.data.input)).toEqual([{ text: 'alice likes short reports' }]);
  });

  it('reports a denial and an expiry to the model', async () => {
    const clock = new ManualClock(Date.now());
    const denied = await createTestKernel({ clock, turns: spendTurns, tools: [echoTool('spending', 'pay')] });
    denied.kernel.deliver(signOrder('task', { text: 'pay' }, { clock }));
    const step = await denied.kernel.run();
    if (step.type !== 'check') throw new Error('expected a check');
    denied.kernel.deliver(signOrder('deny', { action: step.action, reason: 'too much' }, { clock }));
    await denied.kernel.run();
    expect(denied.provider.calls[2]!.messages.at(-1)!.content).toContain('alice denied this action. Reason: too much');

    const expired = await createTestKernel({ clock, turns: spendTurns, tools: [echoTool('spending', 'pay')] });
    expired.kernel.deliver(signOrder('task', { text: 'pay' }, { clock }));
    expect((await expired.kernel.run()).type).toBe('check');
    clock.advance(3_600_001);
    expect(await expired.kernel.run()).toMatchObject({ type: 'final' });
    expect(expired.provider.calls[2]!.messages.at(-1)!.content).toContain('expired');
    expect(types(expired.store)).not.toContain('tool-call-start');
  });

  it('a stop while waiting for a check answer halts the run', async () => {
    const { kernel, store } = await createTestKernel({ turns: spendTurns, tools: [echoTool('spending', 'pay')] });
    kernel.deliver(signOrder('task', { text: 'pay' }, { clock: systemClock }));
    const step = await kernel.run();
    if (step.type !== 'check') throw new Error('expected a check');
    const waiting = kernel.waitForCheck();
    kernel.deliver(signOrder('stop', {}, { clock: systemClock }));
    await waiting;
    kernel.deliver(signOrder('approve', { action: step.action }, { clock: systemClock }));
    expect(await kernel.run()).toMatchObject({ type: 'halted', reason: 'stop' });
    expect(types(store)).not.toContain('tool-call-start');
  });
});

describe('lease and preemption', () => {
  it('halts when the lease expires and records it', async () => {
    const clock = new ManualClock(Date.now());
    const { kernel, store } = await createTestKernel({
      clock,
      charter: testCharter({ lease: { ttl: '1m' } }),
      turns: [{ toolCalls: [{ name: 'echo', arguments: { text: 'a' } }] }, { text: 'done' }],
      tools: [echoTool()],
    });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock }));
    clock.advance(61_000);
    expect(await kernel.run()).toMatchObject({ type: 'halted', reason: 'lease-expired' });
    expect(types(store)).toContain('lease-expired');
    expect(types(store)).not.toContain('model-call-start');
  });

  it('writes a succession that time completes to the audit log, and the successor then signs for the owner', async () => {
    const day = 86_400_000;
    const clock = new ManualClock(Date.now());
    const { alice, bob } = principalKeys();
    const charter = testCharter({
      principals: [
        { id: 'alice', key: alice.publicKeyText, roles: ['owner'] },
        { id: 'bob', key: bob.publicKeyText, roles: ['successor'] },
      ],
      succession: [{ successor: 'bob', for: 'alice', after: '7d', timeLock: '1d' }],
    });
    const { kernel, store } = await createTestKernel({ clock, charter, turns: [{ text: 'done' }] });
    clock.advance(8 * day);
    expect(kernel.deliver(signOrder('claim', { for: 'alice' }, { clock, principal: 'bob' }))).toMatchObject({
      accepted: true,
      effect: 'succession-claimed',
    });
    clock.advance(day);
    // The first order after the time-lock finds the completed succession before it is verified.
    expect(kernel.deliver(signOrder('task', { text: 'work' }, { clock, principal: 'bob' }))).toMatchObject({
      accepted: true,
    });
    expect(kernel.deliver(signOrder('task', { text: 'work' }, { clock, principal: 'alice' }))).toMatchObject({
      accepted: false,
      reason: 'revoked-signer',
    });
    expect(await kernel.run()).toEqual({ type: 'final', text: 'done' });
    const completed = store.entries.filter((entry) => entry.type === 'succession-completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.data).toMatchObject({ successor: 'bob', for: 'alice' });
    const order = types(store);
    expect(order.indexOf('succession-completed')).toBeLessThan(order.lastIndexOf('order-accepted'));
  });

  it('under the ask rule, conflicting tasks stop work on the current one until a principal settles them', async () => {
    const { kernel, provider, store } = await createTestKernel({
      charter: testCharter({ conflict: 'ask' }),
      turns: [
        { toolCalls: [{ name: 'wait', arguments: {} }] },
        { toolCalls: [{ name: 'echo', arguments: { text: 'keep going' } }] },
        { text: 'Alice and Bob: please settle which task I should do.' },
        { toolCalls: [{ name: 'echo', arguments: { text: 'settled' } }] },
        { text: 'done' },
      ],
      tools: [honouringTool(10_000), echoTool()],
    });
    kernel.deliver(signOrder('task', { text: 'first' }, { clock: systemClock }));
    const running = kernel.run();
    await waitFor(() => kernel.status().inFlight.some((call) => call.kind === 'tool'));
    expect(
      kernel.deliver(signOrder('task', { text: 'other' }, { clock: systemClock, principal: 'bob' })),
    ).toMatchObject({ accepted: true, effect: 'conflict' });
    expect(await running).toEqual({ type: 'final', text: 'Alice and Bob: please settle which task I should do.' });
    expect(store.entries.find((entry) => entry.type === 'tool-call-end')?.data.outcome).toBe('aborted');
    const refused = store.entries.filter((entry) => entry.type === 'policy-decision' && entry.data.tool === 'echo');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.data).toMatchObject({ decision: 'deny', reason: expect.stringMatching(/await settlement/) });
    expect(store.entries.filter((entry) => entry.type === 'tool-call-start')).toHaveLength(1);
    expect(provider.calls[1]!.messages.at(-1)!.content).toMatch(
      /\[heed kernel notice\]\nYour principals gave conflicting/,
    );

    // The owner outranks the operator, so her new task settles it and work resumes.
    expect(kernel.deliver(signOrder('task', { text: 'do it' }, { clock: systemClock }))).toMatchObject({
      accepted: true,
      effect: 'task',
    });
    expect(await kernel.run()).toEqual({ type: 'final', text: 'done' });
    const ends = store.entries.filter((entry) => entry.type === 'tool-call-end');
    expect(ends.at(-1)!.data).toMatchObject({ name: 'echo', outcome: 'ok' });
  });

  it('a new task preempts the current turn and the model takes it up', async () => {
    const { kernel, provider, store } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'wait', arguments: {} }] }, { text: 'new task done' }],
      tools: [honouringTool(10_000)],
    });
    kernel.deliver(signOrder('task', { text: 'first' }, { clock: systemClock }));
    const running = kernel.run();
    await waitFor(() => kernel.status().inFlight.some((call) => call.kind === 'tool'));
    kernel.deliver(signOrder('task', { text: 'second' }, { clock: systemClock }));
    expect(await running).toEqual({ type: 'final', text: 'new task done' });
    const last = provider.calls[1]!.messages;
    expect(last.at(-1)!.content).toContain('second');
    expect(store.entries.find((entry) => entry.type === 'tool-call-end')?.data.outcome).toBe('aborted');
  });
});
