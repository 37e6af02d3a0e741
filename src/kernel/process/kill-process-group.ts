import { readdirSync, readFileSync } from 'node:fs';
import { InvalidInputError } from '../../core/heed-error.ts';

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
  const probe = killProcessGroup(pgid, 0);
  if (!probe.sent && probe.reason === 'gone') return false;
  // The leader running settles it with one read; only a dead leader needs the whole scan.
  const leader = processState(pgid);
  if (leader !== undefined && leader !== 'Z' && leader !== 'X') return true;
  return livingMembers(pgid) !== 0;
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Running members of the group from /proc; -1 when /proc cannot tell (then the signal probe decides). */
function livingMembers(pgid: number): number {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return -1;
  }
  let living = 0;
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') living += 1;
  }
  return living;
}
