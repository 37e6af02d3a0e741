// A driver that plays a world around the agent (the evals' timeline) speaks at the turn boundary: what it
// delivers before a model turn is in that turn's context, and a stop it delivers halts before the call.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { createTestKernel, signOrder } from './kernel-fixture.ts';
import { echoTool } from './test-tools.ts';

describe('beforeTurn', () => {
  it('puts what it delivers into the very turn it precedes', async () => {
    const clock = new ManualClock(Date.now());
    let turns = 0;
    const harness = await createTestKernel({
      clock,
      turns: [{ toolCalls: [{ name: 'echo', arguments: { text: 'one' } }] }, { text: 'done' }],
      tools: [echoTool()],
      extra: {
        beforeTurn: async () => {
          turns += 1;
          if (turns === 2) await harness.kernel.addDocument({ source: 'notice', text: 'The printer is out of paper.' });
        },
      },
    });
    harness.kernel.deliver(signOrder('task', { text: 'work' }, { clock }));
    expect(await harness.kernel.run()).toEqual({ type: 'final', text: 'done' });
    expect(turns).toBe(2);
    const second = harness.provider.calls[1]!.messages;
    expect(second.at(-1)!.content).toMatch(/^\[data: document[\s\S]*printer/);
  });

  it('halts before the model call when it delivers a stop', async () => {
    const clock = new ManualClock(Date.now());
    let turns = 0;
    const harness = await createTestKernel({
      clock,
      turns: [{ toolCalls: [{ name: 'echo', arguments: { text: 'one' } }] }, { text: 'never' }],
      tools: [echoTool()],
      extra: {
        beforeTurn: () => {
          turns += 1;
          if (turns === 2) harness.kernel.deliver(signOrder('stop', {}, { clock }));
        },
      },
    });
    harness.kernel.deliver(signOrder('task', { text: 'work' }, { clock }));
    expect(await harness.kernel.run()).toMatchObject({ type: 'halted', reason: 'stop' });
    expect(harness.provider.calls).toHaveLength(1);
  });
});
