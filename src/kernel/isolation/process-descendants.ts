import { readdirSync, readFileSync } from 'node:fs';

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
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state, ppid, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') continue;
    const parent = Number(fields[1]);
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
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/**
 * Whether any thread of `pid` has a child, from /proc/PID/task/TID/children (a few reads, not a scan). True when
 * /proc cannot tell, so a caller that settles early on false never does so blindly.
 */
export function hasChildren(pid: number): boolean {
  try {
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      if (readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim() !== '') return true;
    }
    return false;
  } catch {
    return true;
  }
}
