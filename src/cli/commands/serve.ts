import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';
import { serveControlPlane } from '../../server/serve-server.ts';

interface ServeCommandOptions {
  port: string;
  host: string;
  state: string;
  schema?: string;
  allowKeylessAgents?: boolean;
  json?: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the control plane: agents join it (heed run --server), principals list and stop them (heed fleet); state in node:sqlite, or PostgreSQL with HEED_DATABASE_URL',
    )
    .option('--port <n>', 'the port to listen on (0: a free one)', '7400')
    .option('--host <address>', 'the address to listen on', '127.0.0.1')
    .option('--state <dir>', 'where the embedded store keeps server.db (without HEED_DATABASE_URL)', '.heed-server')
    .option('--schema <name>', 'the PostgreSQL schema holding the tables (with HEED_DATABASE_URL)', 'heed_server')
    .option(
      '--allow-keyless-agents',
      'also accept agents that have no key, unauthenticated: anyone who reaches the server may register such an id (an agent with a pinned key is never replaced)',
    )
    .option('--json', 'print the URL and backend as one JSON line once serving')
    .action(async (options: ServeCommandOptions) => {
      if (!/^\d{1,5}$/.test(options.port))
        throw new InvalidInputError(`--port '${options.port}' must be a port number.`);
      const databaseUrl = process.env.HEED_DATABASE_URL;
      const server = await serveControlPlane({
        port: Number(options.port),
        host: options.host,
        stateDir: options.state,
        ...(databaseUrl === undefined || databaseUrl === '' ? {} : { databaseUrl }),
        ...(options.schema === undefined ? {} : { schema: options.schema }),
        ...(options.allowKeylessAgents === true ? { allowKeylessAgents: true } : {}),
      });
      const backend = server.store.backend;
      if (options.json) process.stdout.write(`${JSON.stringify({ url: server.url, backend })}\n`);
      else
        process.stdout.write(
          `heed serve: ${server.url} (${backend === 'sqlite' ? `node:sqlite in ${options.state}` : 'PostgreSQL'})\n`,
        );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
