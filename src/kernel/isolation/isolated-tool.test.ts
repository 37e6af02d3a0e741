import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killMarkedProcesses, markedProcesses, newMarker } from '../../../test/helpers/marked-processes.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { batchSchedulingLauncher } from '../process/batch-scheduling.ts';
import { readProcessStat } from '../process/process-stat.ts';
import { isolatedTool } from './isolated-tool.ts';
import { detectProcessContainment } from './process-containment.ts';
import { runInProcess } from './run-in-process.ts';

const module = new URL('../../../test/fixtures/stop-tools/stop-tools.ts', import.meta.url);
const graceMs = 200;
const folders: string[] = [];
const markers: string[] = [];

afterEach(() => {
  for (const marker of markers.splice(0)) killMarkedProcesses(marker);
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function trialInput(): { dir: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'heed-isolated-'));
  folders.push(dir);
  const marker = newMarker();
  markers.push(marker);
  return { dir, marker };
}

async function until(condition: () => boolean, what: string, limit = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > limit) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Starts `exportName` isolated, stops it once it runs, and reports what outlived the stop. */
async function stopTrial(
  exportName: string,
  run: (input: { dir: string; marker: string }, signal: AbortSignal) => Promise<unknown>,
) {
  const input = trialInput();
  const controller = new AbortController();
  const settled = run(input, controller.signal).then(
    () => 'fulfilled',
    (error: unknown) => (error instanceof Error ? error.name : String(error)),
  );
  await until(() => existsSync(join(input.dir, 'started')), `${exportName} to start`);
  const startedAt = performance.now();
  controller.abort();
  const outcome = await settled;
  const alive = markedProcesses(input.marker);
  // The effect is due a second after the tool started: look well after that.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1300 - (performance.now() - startedAt))));
  return { outcome, alive, effect: existsSync(join(input.dir, 'effect')), later: markedProcesses(input.marker) };
}

describe('isolatedTool', () => {
  for (const isolation of ['worker', 'process'] as const) {
    it(`${isolation}: a tool that ignores its signal is ended at the grace deadline and its effect never lands`, async () => {
      const tool = isolatedTool({
        name: 'late_writer',
        description: 'writes late',
        inputSchema: { type: 'object' },
        impact: 'write',
        module,
        export: 'ignoresSignal',
        isolation,
      });
      expect(tool.execution).toBe(isolation);
      const trial = await stopTrial('ignoresSignal', (input, signal) =>
        tool.run(input, { signal, graceMs, registerProcessGroup: () => undefined }),
      );
      expect(trial).toMatchObject({ outcome: 'AbortError', effect: false });
    });

    it(`${isolation}: a call that ends by itself returns its text, and a tool's error is reported`, async () => {
      const spec = { description: 'd', inputSchema: { type: 'object' }, impact: 'write' as const, module, isolation };
      const context = { signal: new AbortController().signal, graceMs, registerProcessGroup: () => undefined };
      const echo = isolatedTool({ ...spec, name: 'echo', export: 'echo' });
      await expect(echo.run({ text: 'hi' }, context)).resolves.toBe('echo: hi');
      const fails = isolatedTool({ ...spec, name: 'fails', export: 'fails' });
      await expect(fails.run({}, context)).rejects.toThrow('fails failed: RangeError: no such account');
      const missing = isolatedTool({ ...spec, name: 'missing', export: 'noSuchExport' });
      await expect(missing.run({}, context)).rejects.toThrow(/has no function export 'noSuchExport'/);
    });
  }

  for (const isolation of ['worker', 'process'] as const) {
    it(`${isolation}: a call settles as soon as it returns, and what it left scheduled never runs`, async () => {
      const tool = isolatedTool({
        name: 'leaves_timer',
        description: 'returns, leaving a timer',
        inputSchema: { type: 'object' },
        impact: 'write',
        module,
        export: 'returnsLeavingTimer',
        isolation,
      });
      const input = trialInput();
      const context = { signal: new AbortController().signal, graceMs, registerProcessGroup: () => undefined };
      await expect(tool.run(input, context)).resolves.toBe('returned');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(existsSync(join(input.dir, 'effect'))).toBe(false);
    });
  }

  it('the unguarded baseline: the same tool called bare lands its effect after the stop', async () => {
    const { ignoresSignal } = await import(module.href);
    const trial = await stopTrial('ignoresSignal', (input) => ignoresSignal(input));
    expect(trial.effect).toBe(true);
  });

  it('refuses a module that is not a file URL or absolute path, a missing module, and bad options', () => {
    const spec = { name: 't', description: 'd', inputSchema: {}, impact: 'write' as const };
    expect(() => isolatedTool({ ...spec, module: './tool.ts' })).toThrow(/must be a file URL or an absolute path/);
    expect(() => isolatedTool({ ...spec, module: 'https://example.com/tool.js' })).toThrow(InvalidInputError);
    expect(() => isolatedTool({ ...spec, module: '/no/such/tool.ts' })).toThrow(/does not exist/);
    expect(() => isolatedTool({ ...spec, module, export: '' })).toThrow(/export name is empty/);
    expect(() => isolatedTool({ ...spec, module, isolation: 'thread' as 'worker' })).toThrow(
      /unknown isolation 'thread'/,
    );
  });
});

describe('process isolation', () => {
  const process =
    (exportName: string, containment = detectProcessContainment()) =>
    (input: object, signal: AbortSignal) =>
      runInProcess({ module: module.href, exportName, input }, { tool: exportName, signal, graceMs, containment });

  it('this machine gives tool calls a PID namespace (the tests below need one)', () => {
    expect(detectProcessContainment()).toMatchObject({ kind: 'pid-namespace' });
  });

  it("runs the tool's process, and what it starts, under the batch scheduling policy (this machine has chrt)", async () => {
    expect(batchSchedulingLauncher()).toEqual(['chrt', '--batch', '0']);
    const call = { module: module.href, exportName: 'schedulingPolicies', input: {} };
    const options = { tool: 'schedulingPolicies', signal: new AbortController().signal, graceMs };
    // 3 is SCHED_BATCH, 0 SCHED_OTHER: this test process itself runs under the normal policy.
    await expect(runInProcess(call, options)).resolves.toBe('3 3');
    const containment = { kind: 'process-group' as const, reason: 'test' };
    await expect(runInProcess(call, { ...options, containment })).resolves.toBe('3 3');
    expect(readProcessStat('self')?.policy).toBe(0);
  });

  for (const exportName of ['plainSpawn', 'setsidSpawn', 'spawnWithSignal']) {
    it(`${exportName}: no child or grandchild is alive once the call settles, and no effect lands`, async () => {
      const trial = await stopTrial(exportName, process(exportName));
      expect(trial.alive).toEqual({ children: [], grandchildren: [] });
      expect(trial.later).toEqual({ children: [], grandchildren: [] });
      expect(trial.effect).toBe(false);
    });
  }

  for (const exportName of ['plainSpawn', 'sessionSpawn', 'spawnWithSignal']) {
    it(`${exportName}: without a PID namespace, the group and the descendant walk still end every process`, async () => {
      const trial = await stopTrial(exportName, process(exportName, { kind: 'process-group', reason: 'test' }));
      expect(trial.alive).toEqual({ children: [], grandchildren: [] });
      expect(trial.effect).toBe(false);
    });
  }

  for (const containment of [detectProcessContainment(), { kind: 'process-group' as const, reason: 'test' }]) {
    it(`${containment.kind}: a call that ends by itself leaves no process behind`, async () => {
      const input = trialInput();
      const ended = await runInProcess(
        { module: module.href, exportName: 'spawnAndReturn', input },
        { tool: 'spawnAndReturn', signal: new AbortController().signal, graceMs, containment },
      );
      expect(ended).toBe('started in the background');
      expect(markedProcesses(input.marker)).toEqual({ children: [], grandchildren: [] });
    });
  }
});
