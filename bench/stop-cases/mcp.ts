// Stop cases for MCP: the same upstream MCP server (test/fixtures/mcp/test-mcp-server.ts, started over stdio) called
// by the MCP SDK's client directly ('mcp': the client cancels its request, the MCP way) and through heed proxy
// ('heed-proxy': a signed stop delivered to the proxy's kernel). The upstream tool writes a file `toolMs` after the
// call starts (in the spawn kinds its grandchild does); the stop comes `stopAfterMs` into it. The upstream ignores
// SIGTERM, as a server busy with work may.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpProxy } from '../../src/adapters/mcp/create-mcp-proxy.ts';
import { signOrder } from '../../src/authority/sign-envelope.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { isExited, readProcessStat } from '../../src/kernel/process/process-stat.ts';
import type { StopCase, StopCaseKind, StopTrial } from './stop-case.ts';

const toolMs = 1000;
const stopAfterMs = 300;
const graceMs = 200;
const upstreamServer = fileURLToPath(new URL('../../test/fixtures/mcp/test-mcp-server.ts', import.meta.url));
const kinds = [
  'tool-honours-signal',
  'tool-ignores-signal',
  'plain-spawn',
  'spawn-with-signal',
] as const satisfies readonly StopCaseKind[];
type McpKind = (typeof kinds)[number];

const principal = generateKeyPair();
const charter = {
  agent: 'bench-proxy',
  target: 'if-ranked' as const,
  principals: [{ id: 'alice', key: principal.publicKeyText, roles: ['owner'] }],
  stop: { grace: `${graceMs}ms` },
  proxy: {
    upstreams: [
      {
        name: 'bench',
        command: process.execPath,
        args: [upstreamServer],
        tools: { write_late: 'write', wait_honouring: 'write', spawn_late: 'write' } as const,
      },
    ],
  },
};

/** The upstream call each kind makes. */
function callFor(kind: McpKind, file: string): { name: string; arguments: Record<string, unknown> } {
  const base = { path: file, afterMs: toolMs };
  switch (kind) {
    case 'tool-honours-signal':
      return { name: 'wait_honouring', arguments: base };
    case 'tool-ignores-signal':
      return { name: 'write_late', arguments: base };
    case 'plain-spawn':
      return { name: 'spawn_late', arguments: base };
    case 'spawn-with-signal':
      return { name: 'spawn_late', arguments: { ...base, withSignal: true } };
  }
}

function isRunning(pid: number): boolean {
  const stat = readProcessStat(pid);
  return stat !== undefined && !isExited(stat);
}

/** The tool's child and grandchild, from the file the upstream wrote when it spawned them. */
function spawned(file: string): number[] {
  // The file may be read while it is being written: only whole pids count.
  const text = existsSync(`${file}.pids`) ? readFileSync(`${file}.pids`, 'utf8') : '';
  return text
    .split(' ')
    .filter((pid) => /^\d+$/.test(pid))
    .map(Number);
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));

/** How one system starts a call and stops it. */
interface Harness {
  call(request: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  stop(): void;
  /** Ends whatever the trial left running, so trials do not add up. */
  close(): Promise<void>;
}

async function mcpAlone(): Promise<Harness> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [upstreamServer], stderr: 'ignore' });
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  await client.connect(transport);
  const controller = new AbortController();
  return {
    call: (request) => client.callTool(request, undefined, { signal: controller.signal }),
    stop: () => controller.abort(),
    close: async () => {
      const pid = transport.pid;
      await client.close();
      if (pid !== null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

async function throughHeed(): Promise<Harness> {
  const proxy = await createMcpProxy({ charter });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await proxy.createServer().connect(serverSide);
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  await client.connect(clientSide);
  const stop = JSON.stringify(
    signOrder({ agent: charter.agent, kind: 'stop', principal: 'alice', privateKey: principal.privateKey }),
  );
  return {
    call: (request) => client.callTool(request),
    stop: () => {
      const delivery = proxy.agent.deliver(stop);
      if (!delivery.accepted) throw new Error(`the stop was rejected: ${delivery.detail}`);
    },
    close: async () => {
      await client.close();
      await proxy.close();
    },
  };
}

async function trial(kind: McpKind, start: () => Promise<Harness>): Promise<StopTrial> {
  const folder = mkdtempSync(join(tmpdir(), 'heed-stop-mcp-'));
  const file = join(folder, 'effect');
  const harness = await start();
  try {
    const startedAt = performance.now();
    const call = harness.call(callFor(kind, file)).then(
      () => performance.now(),
      () => performance.now(),
    );
    // The stop comes once the upstream's child and grandchild run (their pids on file): a stop before they start
    // would leave the census nothing to look at.
    if (kind === 'plain-spawn' || kind === 'spawn-with-signal') {
      while (spawned(file).length < 2 && performance.now() - startedAt < 10_000) await sleep(1);
    }
    await sleep(stopAfterMs - (performance.now() - startedAt));
    const stoppedAt = performance.now();
    const effectBeforeStop = existsSync(file);
    harness.stop();
    const settledAt = await call;
    const pids = spawned(file);
    await sleep(stoppedAt + graceMs + 20 - performance.now());
    const [child, grandchild] = pids;
    const childrenAlive = child !== undefined && isRunning(child) ? 1 : 0;
    const grandchildrenAlive = grandchild !== undefined && isRunning(grandchild) ? 1 : 0;
    // The grandchild starts two process launches after the call, and writes `toolMs` after its own start.
    await sleep(startedAt + toolMs + 1000 - performance.now());
    const sideEffectAfterStop = !effectBeforeStop && existsSync(file);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    return { sideEffectAfterStop, childrenAlive, grandchildrenAlive, settleMs: settledAt - stoppedAt };
  } finally {
    await harness.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

export default async function mcpStopCases(): Promise<StopCase[]> {
  return kinds.flatMap((kind) => [
    { system: 'mcp', kind, trial: () => trial(kind, mcpAlone) },
    { system: 'heed-proxy', kind, trial: () => trial(kind, throughHeed) },
  ]);
}
