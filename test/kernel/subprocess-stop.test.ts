// A stop while a tool's subprocess ignores both its signal and SIGTERM: after the grace period the kernel
// kills the whole process group, and the halt event says so. Seeded; HEED_TEST_SIZE=long runs more.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/seeded-random.ts';
import { isProcessGroupAlive } from '../../src/kernel/process/kill-process-group.ts';
import { createTestKernel, signOrder, testCharter, waitFor } from './kernel-fixture.ts';
import { echoTool, stubbornSubprocessTool } from './test-tools.ts';

const clock = { now: () => Date.now() };
const runs = process.env.HEED_TEST_SIZE === 'long' ? 200 : 24;
const seed = Number(process.env.HEED_TEST_SEED ?? 20_261_128);

/** One run: the stop arrives `delayMs` after the first worker's shell said it ignores SIGTERM. */
async function stopDuringWorker(workers: number, delayMs: number, script?: string): Promise<void> {
  const groups: number[] = [];
  const { kernel, store } = await createTestKernel({
    charter: testCharter({ stop: { grace: '30ms' } }),
    turns: [
      {
        toolCalls: [
          { name: 'echo', arguments: { text: 'before' } },
          ...Array.from({ length: workers }, () => ({ name: 'spawn_worker', arguments: {} })),
        ],
      },
      { text: 'never reached' },
    ],
    tools: [echoTool(), stubbornSubprocessTool(groups, script)],
  });
  kernel.deliver(signOrder('task', { text: 'start a worker' }, { clock }));
  const running = kernel.run();
  await waitFor(() => groups.length > 0);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  kernel.deliver(signOrder('stop', {}, { clock }));
  const step = await running;
  expect(step).toMatchObject({ type: 'halted', reason: 'stop' });
  const halt = store.entries.at(-1)!;
  expect(halt.type).toBe('halt');
  const killed = (halt.data.killedProcessGroups as Array<{ pgid: number; gone: boolean }>).map((kill) => kill.pgid);
  expect(killed).toEqual([groups[0]]);
  for (const pgid of groups) expect(isProcessGroupAlive(pgid)).toBe(false);
  const stopSeq = store.entries.find((entry) => entry.type === 'stop-started')!.seq;
  expect(store.entries.filter((entry) => entry.type.endsWith('-call-start') && entry.seq > stopSeq)).toEqual([]);
}

describe('stop during a subprocess', () => {
  it(`seed ${seed}: ${runs} runs leave no process group alive after the grace period`, async () => {
    const random = seededRandom(seed);
    for (let index = 0; index < runs; index++) {
      await stopDuringWorker(1 + Math.floor(random() * 3), Math.floor(random() * 20));
    }
  });

  it('waits for a shell that is slow to set its trap, instead of stopping it before it ignores SIGTERM', async () => {
    for (let index = 0; index < 3; index++) {
      await stopDuringWorker(1, 0, "sleep 0.2; trap '' TERM; echo ready; sleep 30 & sleep 30; wait");
    }
  });
});
