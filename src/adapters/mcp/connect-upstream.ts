import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../../charter/charter-schema.ts';
import { UnreachableError } from '../../core/heed-error.ts';
import { heedVersion } from '../../core/heed-version.ts';
import { killProcessGroup } from '../../kernel/process/kill-process-group.ts';
import { ProcessGroupStdioTransport } from './process-group-stdio-transport.ts';

/** One upstream MCP server, connected, with the tools it lists. */
export interface ConnectedUpstream {
  name: string;
  client: Client;
  /** The process group of a server the proxy started; undefined for one reached over HTTP. */
  processGroup: number | undefined;
  tools: McpTool[];
}

/** Starts (or reaches) one upstream and lists its tools; a server that cannot be reached is an UnreachableError. */
export async function connectUpstream(
  upstream: Upstream,
  options: { charterFolder: string; onStderr: (chunk: Buffer) => void },
): Promise<ConnectedUpstream> {
  const client = new Client({ name: 'heed-proxy', version: heedVersion() });
  let processGroup: number | undefined;
  try {
    if (upstream.url !== undefined) {
      await client.connect(new StreamableHTTPClientTransport(new URL(upstream.url)));
    } else {
      const transport = new ProcessGroupStdioTransport(
        {
          command: upstream.command!,
          args: upstream.args,
          env: upstream.env,
          // Relative to the charter, like every other path a charter names.
          cwd: upstream.cwd === undefined ? undefined : resolve(options.charterFolder, upstream.cwd),
        },
        options.onStderr,
      );
      const connecting = client.connect(transport);
      processGroup = transport.pid;
      await connecting;
      processGroup = transport.pid;
    }
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { name: upstream.name, client, processGroup, tools };
  } catch (error) {
    await client.close().catch(() => undefined);
    if (processGroup !== undefined) killProcessGroup(processGroup, 'SIGKILL');
    const where = upstream.url ?? [upstream.command, ...upstream.args].join(' ');
    throw new UnreachableError(
      'upstream-unreachable',
      `The upstream MCP server '${upstream.name}' (${where}) could not be started or listed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
