import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Command } from 'commander';
import { createMcpProxy } from '../../adapters/mcp/create-mcp-proxy.ts';
import { serveMcpHttp } from '../../adapters/mcp/serve-mcp-http.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { describeEvent } from './run.ts';

interface ProxyOptions {
  charter: string;
  state: string;
  keys?: string;
  http?: string;
  controlPort?: string;
  screening: boolean;
  json?: boolean;
}

function port(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) {
    throw new InvalidInputError(`${option} '${text}' must be a port number from 0 to 65535 (0: a free port).`);
  }
  return value;
}

/** What the proxy tells its operator, on stderr: stdout carries the MCP protocol in stdio mode. */
function say(json: boolean | undefined, kind: string, text: string, extra: Record<string, unknown> = {}): void {
  process.stderr.write(json ? `${JSON.stringify({ kind, text, ...extra })}\n` : `heed: ${text}\n`);
}

export function registerProxyCommand(program: Command): void {
  program
    .command('proxy')
    .description(
      "an MCP server in front of the charter's upstream MCP servers: every tool call passes heed's policy, checks, screening and audit, and a stop ends them",
    )
    .requiredOption('--charter <file>', 'the charter (YAML or JSON) with a proxy section naming the upstreams')
    .option('--state <dir>', "where heed keeps heed.db: the audit log and the authority's state", '.heed')
    .option(
      '--keys <dir>',
      "the keys folder: the agent's checkpoint key and audit anchor (default: keys beside --state)",
    )
    .option('--http <port>', 'serve MCP over Streamable HTTP on 127.0.0.1:PORT/mcp instead of stdio (0: a free port)')
    .option(
      '--control-port <n>',
      'open POST /orders and GET /status on 127.0.0.1:N for approvals and stops (0: a free port)',
    )
    .option('--no-screening', 'do not screen upstream results for injected instructions')
    .option('--json', 'write what the proxy reports on stderr as JSON lines')
    .addHelpText(
      'after',
      '\nThe MCP protocol runs on stdin/stdout unless --http is given; everything heed reports goes to stderr.\nApprove a held call: heed order sign --kind approve --body \'{"action":"HASH"}\' ... then heed order send URL FILE.',
    )
    .action(async (options: ProxyOptions) => {
      const httpPort = options.http === undefined ? undefined : port(options.http, '--http');
      const controlPort = options.controlPort === undefined ? undefined : port(options.controlPort, '--control-port');
      const proxy = await createMcpProxy({
        charterFile: options.charter,
        stateDir: options.state,
        ...(options.keys === undefined ? {} : { keysDir: options.keys }),
        ...(controlPort === undefined ? {} : { controlPort }),
        screening: options.screening,
        onNotice: (text) => say(options.json, 'notice', text),
      });
      const agent = proxy.agent;
      agent.onEvent((entry) =>
        options.json
          ? process.stderr.write(`${JSON.stringify({ kind: 'event', entry })}\n`)
          : say(false, 'event', `[${entry.seq}] ${describeEvent(entry)}`),
      );
      if (agent.controlUrl !== undefined)
        say(options.json, 'control', `control endpoint ${agent.controlUrl}`, { url: agent.controlUrl });
      const tools = proxy.tools.map(
        (proxied) => `${proxied.tool.name} (${proxied.declaredImpact ?? 'unclassified: check'})`,
      );
      say(options.json, 'tools', `proxying ${tools.join(', ')}`);
      const stopped = agent.authorityState().stopped;
      if (stopped !== null) {
        say(
          options.json,
          'stopped',
          `agent '${agent.charter().agent}' is stopped (order ${stopped.orderId}); every call is refused until a verified resume`,
        );
      }
      let finished: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        finished = resolve;
      });
      process.once('SIGINT', finished);
      process.once('SIGTERM', finished);
      let closeServing: () => Promise<void>;
      if (httpPort === undefined) {
        const transport = new StdioServerTransport();
        transport.onclose = finished;
        // The client closing stdin ends the session (the MCP stdio way to shut a server down).
        process.stdin.once('end', finished);
        await proxy.createServer().connect(transport);
        closeServing = () => transport.close();
      } else {
        const endpoint = await serveMcpHttp(proxy, httpPort);
        say(options.json, 'http', `MCP over Streamable HTTP at ${endpoint.url}`, { url: endpoint.url });
        closeServing = () => endpoint.close();
      }
      await done;
      await closeServing();
      await proxy.close();
    });
}
