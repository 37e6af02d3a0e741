import { readFileSync } from 'node:fs';

/** What heed reads of a process from /proc/PID/stat. */
export interface ProcessStat {
  /** One letter: R, S, D, Z (zombie), X (dead), … */
  state: string;
  ppid: number;
  pgrp: number;
  /** The scheduling policy: 0 normal (SCHED_OTHER), 3 batch (SCHED_BATCH, see `batchSchedulingLauncher`), … */
  policy: number;
}

/** The process's stat line, parsed; undefined when it is gone (or /proc cannot be read). */
export function readProcessStat(pid: number | string): ProcessStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseProcessStat(stat);
}

/** A /proc/PID/stat line, parsed. */
export function parseProcessStat(stat: string): ProcessStat {
  // The command name is parenthesised and may hold spaces or parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 of proc(5) is fields[0] here; the policy is field 41.
  return { state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]), policy: Number(fields[38]) };
}

/** A zombie or a dead process is not running: it has exited and waits only to be reaped. */
export function isExited(stat: ProcessStat): boolean {
  return stat.state === 'Z' || stat.state === 'X';
}
