import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { isProcessGroupAlive, killProcessGroup } from './kill-process-group.ts';

const started: ChildProcess[] = [];

function startGroup(script: string): number {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  started.push(child);
  if (child.pid === undefined) throw new Error('spawn failed');
  return child.pid;
}

afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.pid !== undefined && isProcessGroupAlive(child.pid)) killProcessGroup(child.pid, 'SIGKILL');
  }
});

describe('killProcessGroup', () => {
  it('refuses group ids that would signal heed itself or every process', () => {
    for (const pgid of [0, 1, -4, 2.5, Number.NaN]) {
      expect(() => killProcessGroup(pgid, 'SIGTERM')).toThrow(InvalidInputError);
    }
  });

  it('reports a group that no longer exists as a value', async () => {
    const pgid = startGroup('exit 0');
    await once(started.at(-1)!, 'exit');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(killProcessGroup(pgid, 'SIGTERM')).toEqual({ sent: false, reason: 'gone' });
    expect(isProcessGroupAlive(pgid)).toBe(false);
  });
});
