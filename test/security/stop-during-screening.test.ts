// Guarantee: no untrusted input can keep the control path from answering. Tool results and documents are screened
// in a worker thread with a deadline; past it the content is withheld as unscreened. A stop sent while screening
// runs is accepted at once, and no tool call starts after it (asserted from the audit log's order).
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { serveControlEndpoint } from '../../src/kernel/control/serve-control-endpoint.ts';
import type { KernelScreener } from '../../src/kernel/kernel-ports.ts';
import { createScreeningPool, type ScreeningPool } from '../../src/screening/screening-pool.ts';
import { createTestKernel, signOrder } from '../kernel/kernel-fixture.ts';
import { echoTool } from '../kernel/test-tools.ts';
import { worstCaseInputs } from './fixtures/worst-case-inputs.ts';

const clock = { now: () => Date.now() };
const backtracking = new URL('./fixtures/backtracking-screener.ts', import.meta.url);
const reproduction = '<i hidden '.repeat(2000);
const pools: ScreeningPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function pool(options: Parameters<typeof createScreeningPool>[0] = {}): ScreeningPool {
  const created = createScreeningPool(options);
  pools.push(created);
  return created;
}

/** The pool, telling `onScreen` each time it is handed an input. */
function watched(screener: ScreeningPool, onScreen: () => void): KernelScreener {
  return {
    screen: (text, options) => {
      const verdict = screener.screen(text, options);
      onScreen();
      return verdict;
    },
  };
}

/** The model reads a file, then writes one: the write was queued before the stop and must never start. */
function readThenWrite(text: string) {
  return [
    {
      toolCalls: [
        { name: 'echo', arguments: { text } },
        { name: 'write', arguments: { text: 'overwrite the ledger' } },
      ],
    },
    { text: 'done' },
  ];
}

function assertNothingStartedAfterStop(entries: readonly AuditEntry[]): void {
  const stop = entries.find((entry) => entry.type === 'order-accepted' && entry.data.kind === 'stop');
  expect(stop).toBeDefined();
  expect(entries.filter((entry) => entry.type.endsWith('-start') && entry.seq > stop!.seq)).toEqual([]);
  expect(entries.some((entry) => entry.type === 'tool-call-start' && entry.data.tool === 'write')).toBe(false);
}

describe('a stop while a catastrophically slow screener runs', () => {
  it('is answered over HTTP and halts the run while the worker is still busy', async () => {
    const screener = pool({ module: backtracking, deadlineMs: 600_000 });
    let sent: Promise<Response> | undefined;
    let endpointUrl = '';
    const { kernel, store } = await createTestKernel({
      turns: readThenWrite(reproduction),
      tools: [echoTool(), echoTool('write', 'write')],
      extra: {
        screening: watched(screener, () => {
          sent = fetch(`${endpointUrl}/orders`, {
            method: 'POST',
            body: JSON.stringify(signOrder('stop', {}, { clock })),
          });
        }),
      },
    });
    const endpoint = await serveControlEndpoint(kernel, 0);
    endpointUrl = endpoint.url;
    try {
      kernel.deliver(signOrder('task', { text: 'read the page, then write the ledger' }, { clock }));
      expect(await kernel.run()).toMatchObject({ type: 'halted', reason: 'stop' });
      expect((await sent!).status).toBe(200);
      assertNothingStartedAfterStop(store.entries);
      // The screening never finished: the verdict on record is the aborted wait, not a result.
      expect(
        store.entries.filter((entry) => entry.type === 'screening-verdict').map((entry) => entry.data.verdict),
      ).toEqual(['error']);
    } finally {
      await endpoint.close();
    }
  });

  it('past the deadline, withholds the content as unscreened and carries on', async () => {
    const { kernel, store, provider } = await createTestKernel({
      turns: [{ toolCalls: [{ name: 'echo', arguments: { text: reproduction } }] }, { text: 'done' }],
      tools: [echoTool()],
      extra: { screening: pool({ module: backtracking, deadlineMs: 300 }) },
    });
    kernel.deliver(signOrder('task', { text: 'read the page' }, { clock }));
    expect(await kernel.run()).toEqual({ type: 'final', text: 'done' });
    expect(store.entries.find((entry) => entry.type === 'screening-verdict')?.data).toMatchObject({
      verdict: 'unscreened',
      error: expect.stringContaining('did not finish within 300 ms'),
    });
    const shown = provider.calls[1]!.messages.find((message) => message.role === 'tool')!.content;
    expect(shown).toContain('screening did not finish in time');
    expect(shown).not.toContain('<i hidden');
  });

  it('documents too: addDocument past the deadline is withheld, and the pool replaces its stuck worker', async () => {
    const screener = pool({ module: backtracking, deadlineMs: 300 });
    const { kernel, store } = await createTestKernel({ turns: [{ text: 'done' }], extra: { screening: screener } });
    kernel.deliver(signOrder('task', { text: 'summarise' }, { clock }));
    await kernel.addDocument({ source: 'web page', text: reproduction });
    await kernel.addDocument({ source: 'email', text: 'Lunch at noon.' });
    await kernel.halt();
    expect(
      store.entries.filter((entry) => entry.type === 'screening-verdict').map((entry) => entry.data.verdict),
    ).toEqual(['unscreened', 'pass']);
    await kernel.halt();
  });
});

describe('each rule family’s worst input, 64 KB, through the shipped screener in its worker', () => {
  const screener = () => pool({ deadlineMs: 30_000 });
  it.each(worstCaseInputs.map((input) => [input.family, input.text] as const))(
    '%s: the stop lands during screening and nothing starts after it',
    async (_family, text) => {
      let stopped = false;
      const { kernel, store } = await createTestKernel({
        turns: readThenWrite(text),
        tools: [echoTool(), echoTool('write', 'write')],
        extra: {
          screening: watched(screener(), () => {
            stopped = kernel.deliver(signOrder('stop', {}, { clock })).accepted;
          }),
        },
      });
      kernel.deliver(signOrder('task', { text: 'read, then write' }, { clock }));
      expect(await kernel.run()).toMatchObject({ type: 'halted', reason: 'stop' });
      expect(stopped).toBe(true);
      assertNothingStartedAfterStop(store.entries);
    },
  );

  it('and screened without the stop, each gets a verdict well inside the deadline', async () => {
    const shared = pool({ deadlineMs: 30_000 });
    for (const input of worstCaseInputs) {
      const verdict = await shared.screen(input.text, { provenance: 'tool', principals: ['alice', 'bob'] });
      expect(['pass', 'flag']).toContain(verdict.verdict);
      expect(verdict.truncated ?? false).toBe(false);
    }
  });
});
