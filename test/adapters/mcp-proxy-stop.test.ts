// A verified stop through heed proxy: the calls in flight are cancelled upstream (notifications/cancelled), the
// upstream servers and everything they spawned are gone after the grace, no late side effect lands, and every
// later call is refused. The test server ignores cancellation and SIGTERM, so only the proxy's kill ends it.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isProcessGroupAlive } from '../../src/kernel/process/kill-process-group.ts';
import { isExited, readProcessStat } from '../../src/kernel/process/process-stat.ts';
import { runHeed } from '../helpers/run-heed.ts';
import {
  eventually,
  makeProxyFixture,
  type ProxyFixture,
  type RunningProxy,
  startProxy,
  textOf,
} from './mcp-proxy-fixture.ts';

let fixture: ProxyFixture;
let proxy: RunningProxy;

beforeAll(async () => {
  fixture = makeProxyFixture({ grace: '300ms' });
  proxy = await startProxy(fixture);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  rmSync(fixture.root, { recursive: true, force: true });
});

/** The processes whose parent is `pid`: the upstream servers the proxy started. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => readProcessStat(name)?.ppid === pid)
    .map(Number);
}

function isRunning(pid: number): boolean {
  const stat = readProcessStat(pid);
  return stat !== undefined && !isExited(stat);
}

it('cancels calls in flight, kills the upstreams and their descendants after the grace, and refuses every later call', async () => {
  const proxyPid = proxy.client.transport === undefined ? undefined : (proxy.client.transport as { pid?: number }).pid;
  expect(proxyPid).toBeTypeOf('number');
  const upstreams = childrenOf(proxyPid!);
  expect(upstreams).toHaveLength(2);
  const late = (name: string) => join(fixture.root, name);
  const afterMs = 4_000;
  const inFlight = [
    proxy.call('write_late', { path: late('ignores'), afterMs }),
    proxy.call('wait_honouring', { path: late('honours'), afterMs }),
    proxy.call('spawn_late', { path: late('plain-spawn'), afterMs }),
    proxy.call('spawn_late', { path: late('spawn-with-signal'), afterMs, withSignal: true }),
  ];
  // A pids file is looked at once both pids are in it (it exists, empty, a moment before they are written).
  const pidsOf = (name: string) =>
    existsSync(`${late(name)}.pids`)
      ? readFileSync(`${late(name)}.pids`, 'utf8')
          .split(' ')
          .filter((pid) => /^\d+$/.test(pid))
          .map(Number)
      : [];
  await eventually(
    () => pidsOf('plain-spawn').length === 2 && pidsOf('spawn-with-signal').length === 2,
    'the spawned children',
  );
  const descendants = ['plain-spawn', 'spawn-with-signal'].flatMap(pidsOf);
  expect(descendants.every(isRunning)).toBe(true);

  // On a loaded machine the children may take long to start: an effect already written before the stop is not one
  // the stop failed to prevent.
  const writtenBeforeStop = ['ignores', 'honours', 'plain-spawn', 'spawn-with-signal'].filter((name) =>
    existsSync(late(name)),
  );
  const stop = await proxy.send(fixture.order('stop'));
  expect(stop.body.accepted).toBe(true);
  const stoppedAt = Date.now();
  for (const result of await Promise.all(inFlight)) {
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/halted \(stop: stop order/);
  }
  // Each cancelled request was cancelled upstream, the MCP way.
  await eventually(
    () =>
      (existsSync(late('cancelled.log')) ? readFileSync(late('cancelled.log'), 'utf8').split('\n').length - 1 : 0) >= 4,
    'four notifications/cancelled upstream',
  );

  const refused = await proxy.call('echo', { text: 'after the stop' });
  expect(refused.isError).toBe(true);
  expect(textOf(refused)).toMatch(/^Not run: the agent is halted \(stop: stop order/);

  // Grace (300 ms), then the kill; polled, never timed: the assertion is what is alive, not how fast it died.
  await eventually(() => upstreams.every((pgid) => !isProcessGroupAlive(pgid)), 'the upstream process groups to end');
  expect(descendants.filter(isRunning)).toEqual([]);
  await eventually(
    () =>
      /upstream process group \d+ was still running at the grace and was killed \(gone: true\)/.test(proxy.stderr()),
    'the proxy to report the kill',
  );

  // Past the time the tools would have written their files: nothing landed.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + afterMs + 500 - Date.now())));
  for (const name of ['ignores', 'honours', 'plain-spawn', 'spawn-with-signal']) {
    if (!writtenBeforeStop.includes(name)) expect(existsSync(late(name)), name).toBe(false);
  }

  await proxy.close();
  const exported = await runHeed(['audit', 'export', '--jsonl', '--db', join(fixture.root, 'state', 'heed.db')]);
  const entries = exported.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
  const haltIndex = entries.findIndex((entry) => entry.type === 'halt');
  expect(entries[haltIndex]?.data.reason).toBe('stop');
  expect(entries.slice(haltIndex).filter((entry) => entry.type === 'tool-call-start')).toEqual([]);
  // Each upstream killed at the grace is on the log after the halt, as the proxy reported it: at least the test
  // server, which ignores SIGTERM and was busy (the filesystem server may exit by itself when its stdin closes).
  const kills = entries.slice(haltIndex).filter((entry) => entry.type === 'upstream-killed');
  const reported = proxy.stderr().match(/was still running at the grace and was killed/g) ?? [];
  expect(kills).toHaveLength(reported.length);
  expect(kills.map((entry) => entry.data.upstream)).toContain('test');
  for (const kill of kills) {
    expect(upstreams).toContain(kill.data.pgid);
    expect(kill.data.gone).toBe(true);
  }
  const verified = await runHeed(['audit', 'verify', '--db', join(fixture.root, 'state', 'heed.db')]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
}, 60_000);
