import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessGroupKill } from './kernel-ports.ts';
import { killProcessGroup, watchProcessGroup } from './process/kill-process-group.ts';

/**
 * The kernel's last word on a process group once the grace period is over: SIGKILL if anything in it still
 * runs, then confirm it is gone (waiting up to `confirmMilliseconds`).
 */
export async function forceKillProcessGroup(pgid: number, confirmMilliseconds = 500): Promise<ProcessGroupKill> {
  const isAlive = watchProcessGroup(pgid);
  const wasRunning = isAlive();
  if (wasRunning) killProcessGroup(pgid, 'SIGKILL');
  const deadline = performance.now() + confirmMilliseconds;
  while (isAlive() && performance.now() < deadline) await sleep(2);
  return { pgid, wasRunning, gone: !isAlive() };
}
