// A stop ends an isolated tool's effects, not only heed's wait (DESIGN.md invariant 11), through the kernel:
// tools that ignore their signal, spawn children and grandchildren, daemonise, or use spawn({signal}).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/heed-error.ts';
import { isolatedTool } from '../../src/kernel/isolation/isolated-tool.ts';
import { isProcessGroupAlive } from '../../src/kernel/process/kill-process-group.ts';
import type { Tool } from '../../src/kernel/tool.ts';
import { killMarkedProcesses, markedProcesses, newMarker } from '../helpers/marked-processes.ts';
import { createTestKernel, signOrder, testCharter, waitFor } from './kernel-fixture.ts';

const clock = { now: () => Date.now() };
const module = new URL('../fixtures/stop-tools/stop-tools.ts', import.meta.url);
const inputSchema = {
  type: 'object',
  properties: { dir: { type: 'string' }, marker: { type: 'string' } },
  required: ['dir', 'marker'],
};
const folders: string[] = [];
const markers: string[] = [];

afterEach(() => {
  for (const marker of markers.splice(0)) killMarkedProcesses(marker);
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Runs `tool` under a kernel, stops the agent once the tool has started, and reports what outlived the stop. */
async function stopDuring(tool: Tool) {
  const dir = mkdtempSync(join(tmpdir(), 'heed-stop-'));
  folders.push(dir);
  const marker = newMarker();
  markers.push(marker);
  const { kernel, store } = await createTestKernel({
    charter: testCharter({ stop: { grace: '200ms' } }),
    turns: [{ toolCalls: [{ name: tool.name, arguments: { dir, marker } }] }, { text: 'never reached' }],
    tools: [tool],
  });
  kernel.deliver(signOrder('task', { text: 'run the tool' }, { clock }));
  const running = kernel.run();
  await waitFor(() => existsSync(join(dir, 'started')), 20_000);
  const startedAt = performance.now();
  kernel.deliver(signOrder('stop', {}, { clock }));
  const step = await running;
  const alive = markedProcesses(marker);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1300 - (performance.now() - startedAt))));
  const start = store.entries.find((entry) => entry.type === 'tool-call-start')!;
  const end = store.entries.find((entry) => entry.type === 'tool-call-end')!;
  return { step, alive, effect: existsSync(join(dir, 'effect')), start: start.data, end: end.data, store };
}

describe('a stop ends an isolated tool', () => {
  for (const isolation of ['worker', 'process'] as const) {
    it(`${isolation}: a tool that ignores its signal never lands its effect, and the audit says how it ran`, async () => {
      const tool = isolatedTool({
        name: 'late_writer',
        description: 'Writes a file a second after it starts, whatever its signal says.',
        inputSchema,
        impact: 'write',
        module,
        export: 'ignoresSignal',
        isolation,
      });
      const trial = await stopDuring(tool);
      expect(trial.step).toMatchObject({ type: 'halted', reason: 'stop' });
      expect(trial.effect).toBe(false);
      expect(trial.start).toMatchObject({ execution: isolation });
      if (isolation === 'process') expect(trial.start).toMatchObject({ containment: 'pid-namespace' });
      // Ended by the kernel at the grace deadline, and waited for: never abandoned to run on.
      expect(trial.end).toMatchObject({ outcome: 'aborted' });
    });
  }

  for (const exportName of ['plainSpawn', 'setsidSpawn', 'spawnWithSignal']) {
    it(`process: ${exportName} leaves no child or grandchild alive once the run has halted`, async () => {
      const tool = isolatedTool({
        name: 'spawner',
        description: 'd',
        inputSchema,
        impact: 'write',
        module,
        export: exportName,
      });
      const trial = await stopDuring(tool);
      expect(trial.step).toMatchObject({ type: 'halted', reason: 'stop' });
      expect(trial.alive).toEqual({ children: [], grandchildren: [] });
      expect(trial.effect).toBe(false);
    });
  }

  it('the same spawning tool run in process, unguarded by isolation, leaves its grandchild running', async () => {
    const { plainSpawn } = (await import(module.href)) as typeof import('../fixtures/stop-tools/stop-tools.ts');
    const cooperative: Tool = {
      name: 'spawner',
      description: 'd',
      inputSchema,
      impact: 'write',
      cooperative: true,
      run: (input) => plainSpawn(input as { dir: string; marker: string }),
    };
    const trial = await stopDuring(cooperative);
    expect(trial.start).toMatchObject({ execution: 'in-process' });
    expect(trial.alive.grandchildren.length).toBe(1);
    expect(trial.effect).toBe(true);
  });

  it('refuses an in-process tool above read impact that does not declare itself cooperative', async () => {
    const uncontained: Tool = {
      name: 'pay',
      description: 'd',
      inputSchema,
      impact: 'spending',
      run: async () => 'paid',
    };
    await expect(createTestKernel({ turns: [], tools: [uncontained] })).rejects.toThrow(InvalidInputError);
    await expect(createTestKernel({ turns: [], tools: [uncontained] })).rejects.toThrow(
      /Tool 'pay' has impact 'spending' but runs in heed's own thread.*isolatedTool.*cooperative: true/,
    );
  });
});

describe('process groups a cooperative tool registers', () => {
  it('get SIGTERM at the stop and SIGKILL only if still alive at the grace deadline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heed-stop-'));
    folders.push(dir);
    const groups: number[] = [];
    // Takes 100 ms to clean up after SIGTERM: a SIGKILL before the grace is over would cut that short.
    const cleaned = join(dir, 'cleaned');
    const program = `process.on('SIGTERM', () => setTimeout(() => { require('node:fs').writeFileSync(${JSON.stringify(cleaned)}, 'cleaned'); process.exit(0); }, 100)); console.log('ready'); setInterval(() => {}, 1000);`;
    const tool: Tool = {
      name: 'worker',
      description: 'd',
      inputSchema: { type: 'object' },
      impact: 'write',
      cooperative: true,
      run: (_input, { signal, registerProcessGroup }) =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ['-e', program], {
            detached: true,
            stdio: ['ignore', 'pipe', 'ignore'],
          });
          registerProcessGroup(child.pid!);
          child.stdout.once('data', () => groups.push(child.pid!));
          // Like the built-in shell: the call ends at once on abort, the group is left to the kernel.
          signal.addEventListener('abort', () => reject(signal.reason));
          child.once('exit', () => resolve('finished'));
        }),
    };
    const { kernel, store } = await createTestKernel({
      charter: testCharter({ stop: { grace: '2s' } }),
      turns: [{ toolCalls: [{ name: 'worker', arguments: {} }] }, { text: 'never reached' }],
      tools: [tool],
    });
    kernel.deliver(signOrder('task', { text: 'start the worker' }, { clock }));
    const running = kernel.run();
    await waitFor(() => groups.length > 0);
    kernel.deliver(signOrder('stop', {}, { clock }));
    await running;
    expect(readFileSync(cleaned, 'utf8')).toBe('cleaned');
    expect(isProcessGroupAlive(groups[0]!)).toBe(false);
    const halt = store.entries.find((entry) => entry.type === 'halt')!;
    expect(halt.data.killedProcessGroups).toEqual([]);
  });
});
