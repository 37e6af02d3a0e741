import { spawnSync } from 'node:child_process';

let detected: string[] | undefined;

/**
 * The command prefix that starts a program under Linux's SCHED_BATCH policy (util-linux `chrt --batch 0`), or none
 * where that cannot be done. A batch process gets the same share of the CPU as any other, and its threads inherit the
 * policy, but its wakeups never preempt a running process. heed starts isolated tool processes this way: when a stop
 * SIGKILLs one, each of its threads wakes to exit, and at normal policy they took heed's own CPU for up to a few
 * milliseconds, just as the stop was settling. Found out once, by running `true` under it. Never throws.
 */
export function batchSchedulingLauncher(): readonly string[] {
  detected ??= probeBatchScheduling();
  return detected;
}

function probeBatchScheduling(): string[] {
  if (process.platform !== 'linux') return [];
  const launcher = ['chrt', '--batch', '0'];
  const probe = spawnSync(launcher[0]!, [...launcher.slice(1), 'true'], { stdio: 'ignore', timeout: 5000 });
  return probe.status === 0 ? launcher : [];
}
