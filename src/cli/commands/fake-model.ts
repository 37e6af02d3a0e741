import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';
import { fakeBehaviours } from '../../providers/fake-model/behaviours/index.ts';
import { parseFakeFaults } from '../../providers/fake-model/fake-faults.ts';
import { startFakeModelServer } from '../../providers/fake-model/fake-model-server.ts';

interface FakeModelOptions {
  port: string;
  host: string;
  behaviour: string;
  latency?: string;
  stall?: string;
  faults?: string;
  retryAfter?: string;
  json?: boolean;
}

function milliseconds(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`${option} '${text}' must be a non-negative number of milliseconds.`);
  }
  return value;
}

export function registerFakeModelCommand(program: Command): void {
  program
    .command('fake-model')
    .description(
      `start a local model server (OpenAI chat completions and Anthropic Messages) with a scripted behaviour, to test agents against\n\nbehaviours:\n${fakeBehaviours.map((behaviour) => `  ${behaviour.name.padEnd(20)} ${behaviour.summary}`).join('\n')}`,
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--behaviour <name>', 'how the model answers', 'obedient')
    .option('--latency <ms>', 'wait before the first byte of each answer')
    .option('--stall <ms>', 'pause once mid-stream')
    .option('--faults <list>', "answer the first requests with these failures, in order: HTTP statuses or 'reset'")
    .option('--retry-after <ms>', 'the Retry-After the --faults statuses carry')
    .option('--json', 'print the address as a JSON line')
    .action(async (options: FakeModelOptions) => {
      const port = Number(options.port);
      if (options.port.trim() === '' || !Number.isInteger(port)) {
        throw new InvalidInputError(`--port '${options.port}' must be an integer from 0 to 65535.`);
      }
      const latencyMs = milliseconds(options.latency, '--latency');
      const stallMs = milliseconds(options.stall, '--stall');
      const faults = parseFakeFaults(options.faults ?? '', milliseconds(options.retryAfter, '--retry-after'));
      const server = await startFakeModelServer({
        faults,
        port,
        host: options.host,
        behaviour: options.behaviour,
        ...(latencyMs !== undefined ? { latencyMs } : {}),
        ...(stallMs !== undefined ? { stallMs } : {}),
      });
      // Listen for the stop signals before printing the address: a client may signal the moment it reads it.
      // It also stops when the process that started it is gone: `kill %1` on `npx heed fake-model &` ends npx,
      // which does not pass the signal on, and would leave the server running with no one to stop it.
      const parent = process.ppid;
      let orphanWatch: NodeJS.Timeout | undefined;
      const stopped = new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          clearInterval(orphanWatch);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        orphanWatch = setInterval(() => {
          if (process.ppid !== parent) stop();
        }, 250);
      });
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ url: server.url, port: server.port, behaviour: options.behaviour })}\n`
          : `${server.url}\nfake model '${options.behaviour}' listening; point a client at the URL above (HEED_BASE_URL). Ctrl-C stops it.\n`,
      );
      await stopped;
      await server.close();
      process.stderr.write(
        `fake model stopped after ${server.stats.requests} request(s): ${server.stats.completed} completed, ${server.stats.disconnected} disconnected, ${server.stats.rejected} rejected, ${server.stats.faulted} faulted.\n`,
      );
    });
}
