// heed proxy's configuration from the charter, bad input, Streamable HTTP on both sides, and names two upstreams share.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { heedBin, runHeed } from '../helpers/run-heed.ts';
import { eventually, testServer, textOf } from './mcp-proxy-fixture.ts';

let root: string;
let principal: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'heed-proxy-config-')));
  principal = `principals:\n  - id: alice\n    key: ${generateKeyPair().publicKeyText}\n    roles: [owner]\n`;
});

afterAll(() => {
  for (const child of started) child.kill('SIGINT');
  rmSync(root, { recursive: true, force: true });
});

function charter(name: string, proxy: string): string {
  const file = join(root, `${name}.yaml`);
  writeFileSync(file, `agent: ${name}\ntarget: if-ranked\n${principal}${proxy}`);
  return file;
}

const testUpstream = (name: string) =>
  `    - name: ${name}\n      command: ${JSON.stringify(process.execPath)}\n      args: [${JSON.stringify(testServer)}]\n      tools: { echo: read }\n`;

/** Starts `heed proxy --http 0` and resolves with its MCP URL once it serves. */
async function startHttpProxy(
  charterFile: string,
  state: string,
  extraArgs: string[] = [],
): Promise<{ url: string; stderr: () => string }> {
  const args = [heedBin, 'proxy', '--charter', charterFile, '--state', state, '--http', '0', ...extraArgs];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  await eventually(
    () => /Streamable HTTP at (http:\/\/[^\s"]+)/.test(stderr),
    `the proxy to serve HTTP:\n${stderr}`,
    30_000,
  );
  return { url: /Streamable HTTP at (http:\/\/[^\s"]+)/.exec(stderr)![1]!, stderr: () => stderr };
}

describe('heed proxy configuration', () => {
  it('refuses a charter without a proxy section, and a malformed one, naming what is wrong', async () => {
    const none = await runHeed(['proxy', '--charter', charter('plain', '')], { cwd: root });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/The charter has no proxy section: add proxy.upstreams/);
    const both = charter(
      'both',
      `proxy:\n  upstreams:\n    - name: x\n      command: node\n      url: http://127.0.0.1:1/mcp\n`,
    );
    const bothRun = await runHeed(['proxy', '--charter', both], { cwd: root });
    expect(bothRun.code).toBe(2);
    expect(bothRun.stderr).toMatch(/proxy\.upstreams\[0\]\.command: give exactly one of command and url/);
    const impact = charter(
      'impact',
      `proxy:\n  upstreams:\n    - name: x\n      command: node\n      tools: { rm: dangerous }\n`,
    );
    const impactRun = await runHeed(['proxy', '--charter', impact], { cwd: root });
    expect(impactRun.code).toBe(2);
    expect(impactRun.stderr).toMatch(/proxy\.upstreams\[0\]\.tools\.rm/);
    const port = await runHeed(['proxy', '--charter', both, '--http', 'eighty'], { cwd: root });
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--http 'eighty' must be a port number/);
  });

  it('exits 3 naming an upstream that cannot be started', async () => {
    const missing = charter(
      'missing',
      `proxy:\n  upstreams:\n    - name: ghost\n      command: /nonexistent/mcp-server\n`,
    );
    const run = await runHeed(['proxy', '--charter', missing, '--state', join(root, 'missing-state')], { cwd: root });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/upstream MCP server 'ghost' \(\/nonexistent\/mcp-server\) could not be started/);
  });

  it('serves Streamable HTTP, reaches an upstream over HTTP, and names a tool two upstreams share by its upstream', async () => {
    const inner = await startHttpProxy(
      charter('inner', `proxy:\n  upstreams:\n${testUpstream('first')}${testUpstream('second')}`),
      join(root, 'inner-state'),
    );
    const outer = await startHttpProxy(
      charter(
        'outer',
        `proxy:\n  upstreams:\n    - name: inner\n      url: ${inner.url}\n      tools: { first__echo: read }\n`,
      ),
      join(root, 'outer-state'),
      ['--json'],
    );
    const client = new Client({ name: 'heed-test-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(outer.url)));
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(['first__echo', 'second__echo', 'first__write_late']));
      expect(names).not.toContain('echo');
      const result = (await client.callTool({
        name: 'first__echo',
        arguments: { text: 'through two proxies' },
      })) as CallToolResult;
      expect(result.isError).toBe(false);
      expect(textOf(result)).toBe('through two proxies');
      // second__echo has no impact class in the outer charter: it is held for a check, not run.
      const held = client.callTool({ name: 'second__echo', arguments: { text: 'unclassified' } });
      await eventually(() => outer.stderr().includes('pending: heed check: the call of second__echo'), 'the check');
      void held.catch(() => undefined);
      // --json: everything the proxy reports on stderr is one JSON object a line.
      const lines = outer.stderr().trim().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { kind: string }).kind)).toEqual(
        expect.arrayContaining(['tools', 'http', 'event', 'notice']),
      );
    } finally {
      await client.close();
    }
    // A page in a browser that a rebinding DNS name pointed at the loopback arrives with its own Host header.
    const wrongHost = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } },
      });
      const request = httpRequest(outer.url, {
        method: 'POST',
        headers: {
          host: 'evil.example',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end(body);
    });
    expect(wrongHost).toBe(403);
  }, 60_000);
});
