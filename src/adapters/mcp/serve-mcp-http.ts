import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpProxy } from './create-mcp-proxy.ts';

export interface McpHttpEndpoint {
  /** e.g. http://127.0.0.1:8931/mcp */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the proxy over MCP's Streamable HTTP on 127.0.0.1 at `/mcp`, one MCP session per client (so a client's
 * `notifications/cancelled` reaches the session whose call it names). Host headers other than the loopback names
 * are refused, against DNS rebinding.
 */
export async function serveMcpHttp(proxy: McpProxy, port: number): Promise<McpHttpEndpoint> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let allowedHosts: string[] = [];
  const server: HttpServer = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== '/mcp') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('heed proxy serves MCP at /mcp\n');
      return;
    }
    const sessionId = request.headers['mcp-session-id'];
    const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (typeof sessionId === 'string' && known === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32001, message: `Unknown MCP session '${sessionId}'.` },
          id: null,
        }),
      );
      return;
    }
    let transport = known;
    if (transport === undefined) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableDnsRebindingProtection: true,
        allowedHosts,
        onsessioninitialized: (id) => {
          sessions.set(id, created);
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
        },
      });
      transport = created;
      await proxy.createServer().connect(created);
    }
    transport.handleRequest(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`heed proxy: ${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  allowedHosts = [`127.0.0.1:${bound}`, `localhost:${bound}`];
  return {
    url: `http://127.0.0.1:${bound}/mcp`,
    port: bound,
    close: async () => {
      await Promise.all([...sessions.values()].map((session) => session.close().catch(() => undefined)));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
