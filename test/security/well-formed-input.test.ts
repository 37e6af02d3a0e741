// Guarantee: no model output and no HTTP input can crash or halt the kernel. Only a verified stop, an expired lease
// or a real audit failure halts it. Lone surrogates, NULs, deep nesting and huge values are made well-formed or
// rejected as malformed before they reach canonical JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/verify-audit-chain.ts';
import { serveControlEndpoint } from '../../src/kernel/control/serve-control-endpoint.ts';
import { truncateText } from '../../src/kernel/truncate-text.ts';
import type { ScriptedTurn } from '../../src/providers/scripted/scripted-turn.ts';
import { createTestKernel, signOrder } from '../kernel/kernel-fixture.ts';
import { echoTool } from '../kernel/test-tools.ts';

const clock = { now: () => Date.now() };
const long = process.env.HEED_TEST_SIZE === 'long';

describe('attacker strings before canonical JSON', () => {
  it('one unauthenticated POST with a lone surrogate in its id is rejected, recorded, and halts nothing', async () => {
    const { kernel, store } = await createTestKernel({ turns: [{ text: 'slow', delayMs: 10_000 }] });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock }));
    const running = kernel.run();
    const endpoint = await serveControlEndpoint(kernel, 0);
    try {
      const response = await fetch(`${endpoint.url}/orders`, {
        method: 'POST',
        body: '{"v":1,"id":"\\ud800abcdefgh"}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ accepted: false, reason: 'malformed', id: '\ufffdabcdefgh' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(kernel.status().halt).toBeNull();
      const rejected = store.entries.find((entry) => entry.type === 'order-rejected')!;
      expect(rejected.data).toMatchObject({ id: '\ufffdabcdefgh', reason: 'malformed' });
      const stop = await fetch(`${endpoint.url}/orders`, {
        method: 'POST',
        body: JSON.stringify(signOrder('stop', {}, { clock })),
      });
      expect(stop.status).toBe(200);
      expect(await running).toMatchObject({ type: 'halted', reason: 'stop' });
    } finally {
      await endpoint.close();
    }
    expect(await verifyAuditChain(store.read())).toMatchObject({ ok: true });
  });

  it('a signed envelope whose body holds a lone surrogate is rejected as malformed, naming where', async () => {
    const { kernel } = await createTestKernel({ turns: [{ text: 'x' }] });
    const delivery = kernel.deliver(signOrder('task', { text: 'ok' }, { clock }));
    expect(delivery.accepted).toBe(true);
    const text = JSON.stringify(signOrder('amend', { text: 'fine' }, { clock })).replace('fine', '\\udc00');
    expect(kernel.deliver(text)).toMatchObject({
      accepted: false,
      reason: 'malformed',
      detail: /envelope\.body\.text/,
    });
    expect(kernel.status().halt).toBeNull();
  });

  it('a final answer whose 2,048th unit falls inside an emoji ends the run normally', async () => {
    const text = `${'a'.repeat(2047)}😀 and more`;
    const { kernel, store } = await createTestKernel({ turns: [{ text }] });
    kernel.deliver(signOrder('task', { text: 'answer' }, { clock }));
    expect(await kernel.run()).toEqual({ type: 'final', text });
    const ended = store.entries.find((entry) => entry.type === 'run-ended')!;
    expect((ended.data.text as string).startsWith(`${'a'.repeat(2047)}\n[heed: output truncated`)).toBe(true);
  });

  it('truncation never splits a code point', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 300 }), (text, limit) => {
        const truncated = truncateText(text, limit).text;
        expect(truncated.isWellFormed()).toBe(true);
      }),
      { numRuns: long ? 20_000 : 1000, seed: 1101 },
    );
  });

  it('a tool call with a lone surrogate in its arguments is refused to the model, and the run goes on', async () => {
    const { kernel, store, provider } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'echo', arguments: '{"text":"\\ud800"}' }] }, { text: 'done' }],
      tools: [echoTool()],
    });
    kernel.deliver(signOrder('task', { text: 'echo' }, { clock }));
    expect(await kernel.run()).toEqual({ type: 'final', text: 'done' });
    expect(store.entries.find((entry) => entry.type === 'tool-call-rejected')?.data).toMatchObject({
      reason: 'malformed-arguments',
      detail: expect.stringContaining('lone UTF-16 surrogate'),
    });
    expect(provider.calls[1]!.messages.find((message) => message.role === 'tool')!.content).toContain('surrogate');
  });

  it('deeply nested tool arguments are refused, not hashed', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const { kernel, store } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'any', arguments: `{"value":${deep}}` }] }, { text: 'done' }],
      tools: [{ ...echoTool(), name: 'any', inputSchema: { type: 'object' } }],
    });
    kernel.deliver(signOrder('task', { text: 'go' }, { clock }));
    expect(await kernel.run()).toEqual({ type: 'final', text: 'done' });
    expect(store.entries.find((entry) => entry.type === 'tool-call-rejected')?.data.detail).toMatch(/nests deeper/);
  });
});

// Strings with lone surrogates, NULs and other control characters, sometimes huge.
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\ud800', '\udfff', '\u0000', '\ud83d', 'a\u0000b\udc00', '😀'.slice(0, 1)),
  fc.integer({ min: 1, max: 3 }).map((scale) => '\ud800x\u0000'.repeat(scale * 30_000)),
);
const nastyJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    fc.integer(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const nastyTurn: fc.Arbitrary<ScriptedTurn> = fc.oneof(
  nastyString.map((text) => ({ text: text === '' ? ' ' : text })),
  fc
    .array(
      fc.record({
        name: fc.oneof(
          fc.constant('echo'),
          nastyString.filter((name) => name.length > 0),
        ),
        id: nastyString.filter((id) => id.length > 0),
        arguments: fc.oneof(
          nastyString,
          nastyJson.map((value) => JSON.stringify({ text: value })),
          nastyString.map((text) => ({ text })),
        ),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .map((toolCalls) => ({ text: '', toolCalls })),
);
const nastyOrder = fc.oneof(
  nastyString,
  nastyJson,
  fc.record({ v: fc.constant(1), id: nastyString, kind: fc.constant('stop'), body: nastyJson }),
  fc.record({ v: fc.constant(1), id: nastyString }).map((value) => JSON.stringify(value)),
);

describe('fuzzing the kernel with attacker strings', () => {
  it('orders, tool arguments and model text never crash or halt it, and the log stays whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(nastyTurn, { minLength: 1, maxLength: 4 }),
        fc.array(nastyOrder, { maxLength: 4 }),
        async (turns, orders) => {
          const { kernel, store } = await createTestKernel({
            turns: [...turns, { text: 'done' }],
            tools: [echoTool()],
            extra: { maxSteps: turns.length + 1 },
          });
          kernel.deliver(signOrder('task', { text: 'work' }, { clock }));
          for (const order of orders) expect(kernel.deliver(order).accepted).toBe(false);
          const step = await kernel.run();
          // The only halt allowed is the step limit a run of tool calls can reach; never an error or an audit failure.
          if (step.type === 'halted') expect(step.reason).toBe('step-limit');
          for (const order of orders) expect(kernel.deliver(order).accepted).toBe(false);
          expect(kernel.status().halt?.reason ?? 'none').not.toMatch(/audit-failure|error/);
          expect(await verifyAuditChain(store.read())).toMatchObject({ ok: true });
        },
      ),
      { numRuns: long ? 2000 : 100, seed: 1105 },
    );
    // Strings of up to 90,000 units through the whole kernel: CPU-bound, so bounded generously for a busy machine.
  }, 240_000);
});
