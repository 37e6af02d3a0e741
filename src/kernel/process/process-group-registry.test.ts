import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { isProcessGroupAlive, killProcessGroup } from './kill-process-group.ts';
import { ProcessGroupRegistry } from './process-group-registry.ts';

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

describe('ProcessGroupRegistry', () => {
  it('terminates a cooperative group within the grace and kills one that ignores SIGTERM, children included', async () => {
    const registry = new ProcessGroupRegistry();
    const cooperative = startGroup('sleep 100 & wait');
    const stubborn = startGroup("trap '' TERM; sleep 100 & sleep 100 & wait");
    const finished = startGroup('exit 0');
    await once(started.at(-1)!, 'exit');
    for (const pgid of [cooperative, stubborn, finished]) registry.register(pgid);
    expect(registry.groups).toEqual([cooperative, stubborn, finished]);
    // Give the shells time to install their traps and start their children.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const report = await registry.terminateAll({ graceMilliseconds: 2000 });
    const byGroup = new Map(report.map((entry) => [entry.pgid, entry]));
    expect(byGroup.get(finished)?.outcome).toBe('exited');
    expect(byGroup.get(cooperative)?.outcome).toBe('terminated');
    expect(byGroup.get(cooperative)?.killSentAt).toBeUndefined();
    const stubbornReport = byGroup.get(stubborn)!;
    expect(stubbornReport.outcome).toBe('killed');
    expect(stubbornReport.termSentAt).toBeLessThanOrEqual(stubbornReport.killSentAt!);
    expect(stubbornReport.killSentAt).toBeLessThanOrEqual(stubbornReport.goneAt!);
    for (const pgid of [cooperative, stubborn]) expect(isProcessGroupAlive(pgid)).toBe(false);
    expect(registry.groups).toEqual([]);
  });

  it('rejects an invalid group id at registration', () => {
    const registry = new ProcessGroupRegistry();
    expect(() => registry.register(1)).toThrow(InvalidInputError);
    registry.register(4242);
    registry.unregister(4242);
    expect(registry.groups).toEqual([]);
  });
});
