import { readdirSync, readFileSync } from 'node:fs';
import { isExited, readProcessStat } from '../../src/kernel/process/process-stat.ts';

/**
 * The running processes the stop tools started for `marker` (test/fixtures/stop-tools), found by command line
 * in /proc wherever they went: another process group, another session, re-parented to init.
 */
export function markedProcesses(marker: string): { children: number[]; grandchildren: number[] } {
  const children: number[] = [];
  const grandchildren: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const stat = readProcessStat(pid);
    if (stat === undefined || isExited(stat)) continue;
    // The child's own script names the grandchild's label too, so the child's label is looked for first.
    if (commandLine.includes(`heed-child-${marker}`)) children.push(pid);
    else if (commandLine.includes(`heed-grandchild-${marker}`) || commandLine.includes(`1000.${marker}`)) {
      grandchildren.push(pid);
    }
  }
  return { children, grandchildren };
}

/** Ends whatever of `marker`'s processes a trial left (the unguarded baselines leave them all). */
export function killMarkedProcesses(marker: string): void {
  const { children, grandchildren } = markedProcesses(marker);
  for (const pid of [...children, ...grandchildren]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

let counter = 0;
/** A marker no other trial of any process uses: digits only. */
export function newMarker(): string {
  counter += 1;
  return `${process.pid}${String(counter).padStart(6, '0')}`;
}
