import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { isProcessGroupAlive, killProcessGroup, watchProcessGroup } from './kill-process-group.ts';

// Counts the scans of all of /proc (readdir of /proc itself); every other read goes through unchanged.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, readdirSync: vi.fn(actual.readdirSync) };
});
const procScans = () =>
  vi.mocked(fs.readdirSync).mock.calls.filter(([path]) => path === '/proc' || path === '/proc/').length;

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

describe('watchProcessGroup', () => {
  it('once the leader has died, scans /proc once and then follows the members it found, until they are gone', async () => {
    // The leader starts a member that stays in the group and exits: only a scan of /proc finds the member.
    const pgid = startGroup('sleep 30 & exit 0');
    await once(started.at(-1)!, 'exit');
    const isAlive = watchProcessGroup(pgid);
    const before = procScans();
    for (let poll = 0; poll < 20; poll += 1) expect(isAlive()).toBe(true);
    expect(procScans() - before).toBe(1);
    killProcessGroup(pgid, 'SIGKILL');
    for (let waited = 0; isAlive(); waited += 1) {
      if (waited > 2000) throw new Error('the killed member never died');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(isProcessGroupAlive(pgid)).toBe(false);
  });

  it('finds members that joined the group after its last scan once the ones it knew are gone', async () => {
    // The first member starts a second one, then exits: the watch knew only the first.
    const pgid = startGroup('(sleep 0.3; sleep 30 & exit 0) & exit 0');
    await once(started.at(-1)!, 'exit');
    const isAlive = watchProcessGroup(pgid);
    expect(isAlive()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(isAlive()).toBe(true);
    killProcessGroup(pgid, 'SIGKILL');
  });
});
