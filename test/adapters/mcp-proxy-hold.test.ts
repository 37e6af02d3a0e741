// A call held for a check and the MCP client's own request timeout (the SDK's client gives up after 60 s by
// default, far below a charter's checkTimeout): a client that asks for progress is kept waiting by progress
// notifications until the approval comes; one that does not is answered, not run, before it would give up.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createMcpProxy, type McpProxy } from '../../src/adapters/mcp/create-mcp-proxy.ts';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { makeProxyFixture, type ProxyFixture } from './mcp-proxy-fixture.ts';

let fixture: ProxyFixture;
let proxy: McpProxy;
let client: Client;
let entries: AuditEntry[];

beforeEach(async () => {
  fixture = makeProxyFixture();
  proxy = await createMcpProxy({
    charterFile: fixture.charterFile,
    screening: false,
    holdWithoutProgressMs: 400,
    progressIntervalMs: 50,
  });
  entries = [];
  proxy.agent.onEvent((entry) => entries.push(entry));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await proxy.createServer().connect(serverSide);
  client = new Client({ name: 'hold-test-client', version: '1.0.0' });
  await client.connect(clientSide);
}, 60_000);

afterEach(async () => {
  await client.close();
  await proxy.close();
  rmSync(fixture.root, { recursive: true, force: true });
});

function checkRequested(): Promise<string> {
  return new Promise((resolve) => {
    const off = proxy.agent.onEvent((entry) => {
      if (entry.type !== 'check-requested') return;
      off();
      resolve(String(entry.data.action));
    });
  });
}

const text = (result: CallToolResult) => (result.content[0] as { text: string }).text;

it('answers a client that asked for no progress before its timeout, not run, naming the pending check', async () => {
  const path = join(fixture.files, 'held.txt');
  const requested = checkRequested();
  const result = (await client.callTool({ name: 'write_file', arguments: { path, content: 'x' } })) as CallToolResult;
  const action = await requested;
  expect(result.isError).toBe(true);
  expect(text(result)).toMatch(/^Not run: the check is still pending after 0 s, longer than an MCP client waits/);
  expect(text(result)).toContain(`heed check: the call of write_file (action ${action}) was not approved.`);
  expect(text(result)).toContain(`--body '{"action":"${action}"}'`);
  expect(result._meta?.['heed/check']).toMatchObject({ action, answer: 'not approved' });
  // The kernel notes the answer as the call ends: looked for in a bounded loop.
  for (let waited = 0; !entries.some((entry) => entry.type === 'check-answered'); waited += 10) {
    if (waited > 5_000) throw new Error('no check-answered entry');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(entries.find((entry) => entry.type === 'check-answered')?.data).toMatchObject({ action, answer: 'cancelled' });
  expect(existsSync(path)).toBe(false);
});

it('keeps a client that asked for progress waiting past its own request timeout until the approval', async () => {
  const path = join(fixture.files, 'approved.txt');
  const requested = checkRequested();
  const progress: string[] = [];
  const held = client.callTool({ name: 'write_file', arguments: { path, content: 'approved' } }, undefined, {
    // Far shorter than the hold: only the proxy's progress notifications keep the request alive.
    timeout: 200,
    resetTimeoutOnProgress: true,
    onprogress: (notification) => progress.push(notification.message ?? ''),
  });
  const action = await requested;
  // Wait (bounded) until the request has outlived its 200 ms timeout several times over, on progress alone.
  for (let waited = 0; progress.length < 12; waited += 10) {
    if (waited > 10_000) throw new Error('no progress notifications');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(progress[0]).toContain(
    `pending: heed check: the call of write_file (action ${action}) waits for a principal.`,
  );
  expect(proxy.agent.deliver(fixture.order('approve', { action })).accepted).toBe(true);
  const result = (await held) as CallToolResult;
  expect(result.isError).toBe(false);
  expect(readFileSync(path, 'utf8')).toBe('approved');
});

it('refuses hold and progress intervals that are not whole positive milliseconds', async () => {
  await expect(createMcpProxy({ charterFile: fixture.charterFile, holdWithoutProgressMs: 0 })).rejects.toThrow(
    /holdWithoutProgressMs must be a whole number of milliseconds, at least 1; got 0/,
  );
  await expect(createMcpProxy({ charterFile: fixture.charterFile, progressIntervalMs: 2.5 })).rejects.toThrow(
    /progressIntervalMs must be a whole number/,
  );
});
