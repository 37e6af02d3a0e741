import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childProcesses, type ProcFiles, processTree } from './process-descendants.ts';

function gone(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

/**
 * A stand-in for /proc: `tasks` maps a pid to its threads and each thread's children. `onRead` runs before each read
 * of a children file, so a test can make a thread exit between the listing and the read, as a SIGKILLed one does.
 */
function fakeProc(
  tasks: Map<number, Map<number, number[]>>,
  onRead: (path: string) => void = () => undefined,
): ProcFiles {
  return {
    readdir(path) {
      const pid = Number(path.split('/')[2]);
      const threads = tasks.get(pid);
      if (threads === undefined) throw gone(path);
      return [...threads.keys()].map(String);
    },
    read(path) {
      onRead(path);
      const [, , pid, , thread] = path.split('/');
      const children = tasks.get(Number(pid))?.get(Number(thread));
      if (children === undefined) throw gone(path);
      return children.length === 0 ? '' : `${children.join(' ')} `;
    },
  };
}

describe('childProcesses', () => {
  it('reads the children of every thread', () => {
    const tasks = new Map([
      [
        10,
        new Map([
          [10, [11]],
          [12, [13, 14]],
        ]),
      ],
    ]);
    expect(childProcesses(10, fakeProc(tasks))).toEqual([11, 13, 14]);
  });

  it('a thread that exits while it is read, leaving no child, is no reason to wait: the answer is "none"', () => {
    // The runner's threads exit one by one after its SIGKILL: the listing names a thread that is gone when read.
    const tasks = new Map([
      [
        10,
        new Map<number, number[]>([
          [10, []],
          [12, []],
        ]),
      ],
    ]);
    const files = fakeProc(tasks, (path) => {
      if (path === '/proc/10/task/12/children') tasks.get(10)!.delete(12);
    });
    expect(childProcesses(10, files)).toEqual([]);
  });

  it('a thread that exits hands its children to a sibling already read: they are still found', () => {
    const threads = new Map<number, number[]>([
      [10, []],
      [12, [20]],
    ]);
    const tasks = new Map([[10, threads]]);
    const files = fakeProc(tasks, (path) => {
      if (path === '/proc/10/task/12/children' && threads.has(12)) {
        threads.delete(12);
        threads.set(10, [20]);
      }
    });
    expect(childProcesses(10, files)).toEqual([20]);
  });

  it('cannot tell (so the caller waits) when the process is gone or /proc refuses the read', () => {
    expect(childProcesses(10, fakeProc(new Map()))).toBeUndefined();
    const refused: ProcFiles = {
      readdir: () => ['10'],
      read: () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      },
    };
    expect(childProcesses(10, refused)).toBeUndefined();
  });
});

describe('processTree', () => {
  it('walks every generation through the children links, once each', () => {
    const tasks = new Map([
      [1, new Map([[1, [2, 3]]])],
      [2, new Map([[2, [4]]])],
      [3, new Map([[3, []]])],
      [4, new Map([[4, [2]]])],
    ]);
    expect(processTree(1, fakeProc(tasks)).sort()).toEqual([2, 3, 4]);
  });

  it('finds a real grandchild of this process', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 30 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const grandchild = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(d))));
      const tree = processTree(process.pid);
      expect(tree).toContain(child.pid);
      expect(tree).toContain(grandchild);
      process.kill(grandchild, 'SIGKILL');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
