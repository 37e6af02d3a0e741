// What an upstream MCP server spawned for a call in flight ends with a stop, not only at the grace: the proxy sends the
// upstreams' process groups SIGTERM at the stop (as the kernel does for its own tools' groups) and SIGKILL at the
// grace. The test server ignores SIGTERM; the child and grandchild it spawns do not, and would run on (they keep an
// interval and a 20 s timer) until the grace's SIGKILL if nothing else ended them.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { expect, it } from 'vitest';
import { createMcpProxy } from '../../src/adapters/mcp/create-mcp-proxy.ts';
import { killProcessGroup } from '../../src/kernel/process/kill-process-group.ts';
import { isExited, readProcessStat } from '../../src/kernel/process/process-stat.ts';
import { makeProxyFixture } from './mcp-proxy-fixture.ts';

function isRunning(pid: number): boolean {
  const stat = readProcessStat(pid);
  return stat !== undefined && !isExited(stat);
}

/** The test server this process started (its pid is its process group's id), found by its command line. */
function testServerGroup(): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const parent = readProcessStat(name)?.ppid;
      if (parent === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('test-mcp-server')) {
        return Number(name);
      }
    } catch {}
  }
  return undefined;
}

/** Polls `condition` every 5 ms for at most `limit` ms; true once it holds. */
async function within(limit: number, condition: () => boolean): Promise<boolean> {
  for (let waited = 0; waited <= limit; waited += 5) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return condition();
}

it('a stop ends the descendants an upstream spawned for calls in flight before the grace, trial after trial', async () => {
  const fixture = makeProxyFixture({ grace: '3s' });
  try {
    for (let trial = 0; trial < 3; trial += 1) {
      const proxy = await createMcpProxy({ charterFile: fixture.charterFile, screening: false });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await proxy.createServer().connect(serverSide);
      const client = new Client({ name: 'descendants-test-client', version: '1.0.0' });
      await client.connect(clientSide);
      const path = join(fixture.root, `plain-spawn-${trial}`);
      const call = client.callTool({ name: 'spawn_late', arguments: { path, afterMs: 20_000 } });
      const pids = () =>
        existsSync(`${path}.pids`)
          ? readFileSync(`${path}.pids`, 'utf8')
              .split(' ')
              .filter((pid) => /^\d+$/.test(pid))
              .map(Number)
          : [];
      expect(await within(15_000, () => pids().length === 2)).toBe(true);
      const descendants = pids();
      expect(descendants.every(isRunning)).toBe(true);
      const testServer = testServerGroup();
      expect(testServer).toBeTypeOf('number');
      expect(proxy.agent.deliver(fixture.order('stop')).accepted).toBe(true);
      await call.catch(() => undefined);
      // Gone well within the 3 s grace, before its SIGKILL: the stop's SIGTERM ended them.
      expect(await within(2_000, () => !descendants.some(isRunning))).toBe(true);
      await proxy.upstreamsClosed;
      expect(killProcessGroup(testServer!, 0).sent && isRunning(testServer!)).toBe(false);
      await client.close();
      await proxy.close();
    }
  } finally {
    rmSync(fixture.root, { recursive: true, force: true });
  }
}, 120_000);
