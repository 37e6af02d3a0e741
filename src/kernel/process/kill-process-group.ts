import { readdirSync } from 'node:fs';
import { InvalidInputError } from '../../core/heed-error.ts';
import { isExited, readProcessStat } from './process-stat.ts';

export type KillOutcome = { sent: true } | { sent: false; reason: 'gone' | 'not-permitted' };

function assertProcessGroupId(pgid: number): void {
  // 0 and 1 would signal heed's own group or every process; a group id is always a leader's pid > 1.
  if (!Number.isInteger(pgid) || pgid <= 1) {
    throw new InvalidInputError(`Process group id ${pgid} must be an integer greater than 1.`);
  }
}

/** Sends `signal` to every process in the group. A group that no longer exists is reported, not thrown. */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals | 0): KillOutcome {
  assertProcessGroupId(pgid);
  try {
    process.kill(-pgid, signal);
    return { sent: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return { sent: false, reason: 'gone' };
    if (code === 'EPERM') return { sent: false, reason: 'not-permitted' };
    throw error;
  }
}

/**
 * Whether any process of the group is still running. Zombies (dead, waiting for a parent to reap
 * them) do not count: a killed process whose parent died is reaped whenever the system's init gets to it.
 */
export function isProcessGroupAlive(pgid: number): boolean {
  return watchProcessGroup(pgid)();
}

/**
 * `isProcessGroupAlive` for a caller that asks again and again until the group is gone (a stop's grace, a kill's
 * confirmation). Once the leader has died, only a scan of all of /proc finds the group's members: the watch keeps
 * the running members a scan found and later reads only theirs, scanning again only once all of them are gone (the
 * group may have gained members meanwhile). Polled every few milliseconds, repeated scans took the CPU of a busy
 * machine from the very processes being waited for.
 */
export function watchProcessGroup(pgid: number): () => boolean {
  assertProcessGroupId(pgid);
  let members: number[] = [];
  return () => {
    if (members.some((pid) => runsInGroup(pid, pgid))) return true;
    const probe = killProcessGroup(pgid, 0);
    if (!probe.sent && probe.reason === 'gone') return false;
    // The leader running settles it with one read; only a dead leader needs the whole scan.
    if (runsInGroup(pgid, pgid)) {
      members = [pgid];
      return true;
    }
    const found = livingMembers(pgid);
    // /proc cannot tell: the signal probe found the group.
    if (found === undefined) return true;
    members = found;
    return found.length > 0;
  };
}

/** Running (not a zombie) and still in the group: a pid reused by another process is not. */
function runsInGroup(pid: number, pgid: number): boolean {
  const stat = readProcessStat(pid);
  return stat !== undefined && stat.pgrp === pgid && !isExited(stat);
}

/** Running members of the group from /proc; undefined when /proc cannot tell (then the signal probe decides). */
function livingMembers(pgid: number): number[] | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const living: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (runsInGroup(pid, pgid)) living.push(pid);
  }
  return living;
}
