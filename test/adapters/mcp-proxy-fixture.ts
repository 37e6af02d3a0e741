// A charter with a proxy section, principals' keys on disk, and `heed proxy` started as a child process that the MCP
// SDK's own client talks to over stdio: the way an MCP client (an IDE, an agent) runs it.
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import type { OrderKind } from '../../src/charter/charter-schema.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { heedBin } from '../helpers/run-heed.ts';

export const testServer = fileURLToPath(new URL('../fixtures/mcp/test-mcp-server.ts', import.meta.url));
export const filesystemServer = fileURLToPath(
  new URL('../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url),
);

export interface ProxyFixture {
  root: string;
  files: string;
  charterFile: string;
  /** Signs an order as alice (or mallory, who is not in the charter) for the proxy's agent. */
  order(kind: OrderKind, body?: Record<string, unknown>, signer?: 'alice' | 'mallory'): string;
}

export function makeProxyFixture(options: { grace?: string; checkTimeout?: string } = {}): ProxyFixture {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'heed-proxy-')));
  const files = join(root, 'files');
  mkdirSync(files);
  mkdirSync(join(root, 'keys'));
  const alice = generateKeyPair();
  const mallory = generateKeyPair();
  writeFileSync(join(root, 'keys', 'alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
  const charterFile = join(root, 'charter.yaml');
  writeFileSync(
    charterFile,
    `agent: mcp-agent
target: if-ranked
principals:
  - id: alice
    key: ${alice.publicKeyText}
    roles: [owner]
stop:
  grace: ${options.grace ?? '300ms'}
policy:
  checkTimeout: ${options.checkTimeout ?? '30s'}
  tools:
    edit_file: deny
proxy:
  upstreams:
    - name: files
      command: ${JSON.stringify(process.execPath)}
      args: [${JSON.stringify(filesystemServer)}, ${JSON.stringify(files)}]
      tools:
        read_text_file: read
        list_directory: read
        write_file: irreversible
        edit_file: write
    - name: test
      command: ${JSON.stringify(process.execPath)}
      args: [${JSON.stringify(testServer)}]
      env:
        HEED_TEST_LOG: ${JSON.stringify(join(root, 'cancelled.log'))}
      tools:
        echo: read
        write_late: write
        wait_honouring: write
        spawn_late: write
`,
  );
  const keys = { alice: alice.privateKey, mallory: mallory.privateKey };
  return {
    root,
    files,
    charterFile,
    order: (kind, body = {}, signer = 'alice') =>
      JSON.stringify(
        signEnvelope(createEnvelope({ agent: 'mcp-agent', kind, body, ttlMs: 600_000, now: Date.now() }), {
          principal: 'alice',
          privateKey: keys[signer],
        }),
      ),
  };
}

export interface RunningProxy {
  client: Client;
  /** The proxy's control endpoint, where orders go. */
  controlUrl: string;
  /** Everything the proxy wrote on stderr so far. */
  stderr(): string;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  /** Sends a signed order to the control endpoint; resolves with the endpoint's answer. */
  send(envelope: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Starts `heed proxy` in a child process and connects the SDK's client to it over stdio. */
export async function startProxy(fixture: ProxyFixture, extraArgs: string[] = []): Promise<RunningProxy> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      heedBin,
      'proxy',
      '--charter',
      fixture.charterFile,
      '--state',
      join(fixture.root, 'state'),
      '--control-port',
      '0',
      ...extraArgs,
    ],
    cwd: fixture.root,
    env: { ...(process.env as Record<string, string>), NO_COLOR: '1' },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'heed-test-client', version: '1.0.0' });
  await client.connect(transport);
  const controlUrl = /control endpoint (http:\/\/\S+)/.exec(stderr)?.[1];
  if (controlUrl === undefined) throw new Error(`the proxy named no control endpoint:\n${stderr}`);
  return {
    client,
    controlUrl,
    stderr: () => stderr,
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    send: async (envelope) => {
      const response = await fetch(`${controlUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: envelope,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    close: () => client.close(),
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((item) => (item.type === 'text' ? item.text : `[${item.type}]`)).join('\n');
}

/** Resolves once `predicate` holds, polling; fails after `timeoutMs` with what it was waiting for. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
