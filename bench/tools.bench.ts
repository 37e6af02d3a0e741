// The built-in tools' costs: the control-plane guard, a confined read, the shell sandbox's start,
// and how long a stopped shell command takes to be gone. Each figure has a baseline from the same run.
import { execFile } from 'node:child_process';
import { lstatSync, realpathSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { forceKillProcessGroup } from '../src/kernel/force-kill-process-group.ts';
import { isProcessGroupAlive } from '../src/kernel/process/kill-process-group.ts';
import type { Tool } from '../src/kernel/tool.ts';
import { createBuiltinTools } from '../src/kernel/tools/create-builtin-tools.ts';
import { createTestLayout } from '../src/kernel/tools/create-test-layout.ts';
import { opsPerSecond, percentile } from './measure.ts';
import type { Bench } from './run.ts';

const run = promisify(execFile);

async function samples(count: number, work: () => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  for (let index = 0; index < count; index += 1) results.push(await work());
  return results;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const context = () => ({ signal: new AbortController().signal, registerProcessGroup: () => {} });

/** Starts `command`, aborts it once running, and measures from the abort until its group is gone. */
async function stopToGone(shell: Tool, command: string, graceMilliseconds: number): Promise<number> {
  const groups: number[] = [];
  const controller = new AbortController();
  const running = shell.run(
    { command },
    { signal: controller.signal, registerProcessGroup: (pgid) => groups.push(pgid) },
  );
  await sleep(600);
  const start = performance.now();
  controller.abort(new Error('stop'));
  await running.catch(() => undefined);
  // As the kernel settles a stop: the groups get until the grace to end, then what is left gets SIGKILL.
  const graceEnds = start + graceMilliseconds;
  while (groups.some(isProcessGroupAlive) && performance.now() < graceEnds) await sleep(1);
  for (const pgid of groups) {
    if (!(await forceKillProcessGroup(pgid)).gone) throw new Error(`group ${pgid} survived`);
  }
  return performance.now() - start;
}

const bench: Bench = async (report) => {
  const layout = createTestLayout();
  try {
    const file = join(layout.workspace, 'four-kilobytes.txt');
    await writeFile(file, 'x'.repeat(4096));
    const grace = 200;
    const tools = await createBuiltinTools({
      workspace: layout.workspace,
      guard: layout.guard,
      shell: { killGraceMilliseconds: grace },
    });
    const byName = new Map(tools.map((tool) => [tool.name, tool]));

    const lstatRate = opsPerSecond(() => lstatSync(file));
    const realpathRate = opsPerSecond(() => realpathSync(file));
    const guardRate = opsPerSecond(() => layout.guard.checkPath(file));
    report({
      name: 'tools.guard_check_per_s',
      value: Math.round(guardRate),
      unit: 'checks/s',
      baseline_realpath_per_s: Math.round(realpathRate),
      baseline_lstat_per_s: Math.round(lstatRate),
    });

    const plainReads = await samples(300, () => timed(() => readFile(file)));
    const confinedReads = await samples(300, () =>
      timed(() => byName.get('read_file')!.run({ path: 'four-kilobytes.txt' }, context())),
    );
    report({
      name: 'tools.read_file_4kb_p99_ms',
      value: percentile(confinedReads, 0.99),
      unit: 'ms',
      baseline_fs_read_p99_ms: percentile(plainReads, 0.99),
    });

    const shell = byName.get('shell')!;
    const plainStarts = await samples(10, () => timed(() => run('/bin/sh', ['-c', 'true'])));
    const sandboxStarts = await samples(10, () => timed(() => shell.run({ command: 'true' }, context())));
    report({
      name: 'tools.shell_sandboxed_run_p50_ms',
      value: percentile(sandboxStarts, 0.5),
      unit: 'ms',
      baseline_plain_sh_p50_ms: percentile(plainStarts, 0.5),
    });

    const cooperative = await samples(10, () => stopToGone(shell, 'sleep 100', grace));
    report({
      name: 'tools.shell_stop_to_gone_p99_ms',
      value: percentile(cooperative, 0.99),
      unit: 'ms',
      grace_ms: grace,
    });
    const stubborn = await samples(10, () => stopToGone(shell, "trap '' TERM; sleep 100", grace));
    report({
      name: 'tools.shell_stop_to_gone_ignoring_term_p99_ms',
      value: percentile(stubborn, 0.99),
      unit: 'ms',
      grace_ms: grace,
      target_ms: grace + 20,
    });
  } finally {
    layout.remove();
  }
};

export default bench;
