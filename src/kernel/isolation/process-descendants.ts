import { readdirSync, readFileSync } from 'node:fs';
import { isExited, readProcessStat } from '../process/process-stat.ts';

/**
 * The pids of every living descendant of `root` (children, grandchildren…, whatever their process group or
 * session), read from /proc. Empty where /proc cannot be read. A descendant whose parent already died has been
 * re-parented to init and is no longer found: walk while the tree is whole.
 */
export function processDescendants(root: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readProcessStat(pid);
    if (stat === undefined || isExited(stat)) continue;
    const parent = stat.ppid;
    const siblings = children.get(parent);
    if (siblings === undefined) children.set(parent, [pid]);
    else siblings.push(pid);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Whether `pid` is a running process (not a zombie). */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // Signalled but unreadable in /proc: count it as running.
  const stat = readProcessStat(pid);
  return stat === undefined || !isExited(stat);
}

/** The two reads of /proc that a walk of children makes (tests stand in for a process whose threads exit meanwhile). */
export interface ProcFiles {
  readdir(path: string): string[];
  read(path: string): string;
}

const procFiles: ProcFiles = { readdir: (path) => readdirSync(path), read: (path) => readFileSync(path, 'utf8') };
const childReadPasses = 5;

/**
 * The children of every thread of `pid`, from /proc/PID/task/TID/children (a few reads, not a scan of /proc);
 * undefined when /proc cannot tell. A thread that exits while it is read (a SIGKILLed process's threads do) hands
 * its children to a sibling that may already have been read: its entry is gone by then, so a pass that met a vanished
 * thread is read again rather than taken for "no children" or for "cannot tell".
 */
export function childProcesses(pid: number, files: ProcFiles = procFiles): number[] | undefined {
  for (let pass = 0; pass < childReadPasses; pass += 1) {
    let threads: string[];
    try {
      threads = files.readdir(`/proc/${pid}/task`);
    } catch {
      return undefined;
    }
    const children: number[] = [];
    let vanished = false;
    for (const thread of threads) {
      let text: string;
      try {
        text = files.read(`/proc/${pid}/task/${thread}/children`);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ESRCH') return undefined;
        vanished = true;
        continue;
      }
      for (const word of text.trim().split(/\s+/)) if (/^\d+$/.test(word)) children.push(Number(word));
    }
    if (!vanished) return children;
  }
  return undefined;
}

/**
 * Every descendant of `root` reached through the children links, parents before children: in a PID namespace, where
 * orphans are re-parented to the namespace's init, that is every process of the namespace when `root` is its init.
 * A few reads per process, where `processDescendants` reads all of /proc.
 */
export function processTree(root: number, files: ProcFiles = procFiles): number[] {
  const seen = new Set<number>([root]);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of childProcesses(queue.shift()!, files) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      queue.push(child);
    }
  }
  seen.delete(root);
  return [...seen];
}
