import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.ts';
import { HeedError, InvalidInputError, UnreachableError } from '../../core/heed-error.ts';
import { readBoundedText } from '../../core/read-bounded-file.ts';
import { exitCodes } from '../exit-codes.ts';
import { paintVerdict } from '../style.ts';

// Larger than any valid envelope, so the endpoint (not this client) decides and records an oversized one.
const maxSendBytes = 1024 * 1024;

function ordersUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInputError(
      `'${text}' is not a URL; expected e.g. http://127.0.0.1:7070 (heed run --control-port).`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(`'${text}' must be an http:// or https:// URL.`);
  }
  if (!url.pathname.endsWith('/orders')) url.pathname = `${url.pathname.replace(/\/$/, '')}/orders`;
  return url;
}

interface SendOptions {
  server?: string;
  json?: boolean;
  timeout: string;
}

/** Submits an envelope to the control plane: the server records and routes it; the agent decides. */
async function sendToServer(server: string, file: string, options: SendOptions): Promise<void> {
  const { submitEnvelope, serverBaseUrl } = await import('../../server/server-client.ts');
  const submitted = await submitEnvelope(serverBaseUrl(server), readBoundedText(file, 'envelope', maxSendBytes));
  if (options.json) process.stdout.write(`${JSON.stringify(submitted)}\n`);
  else {
    process.stdout.write(
      `${paintVerdict(true, 'submitted')}: ${submitted.id} for ${submitted.target} (order ${submitted.seq}); the agent verifies it itself\n`,
    );
  }
}

/** Adds `heed order send` to the `order` command (created by the authority commands) or on its own. */
export function registerOrderSendCommand(program: Command): void {
  const order =
    program.commands.find((command) => command.name() === 'order') ??
    program.command('order').description('sign, co-sign, verify and send orders (signed envelopes)');
  order
    .command('send')
    .description("deliver one envelope to an agent's control endpoint and print its verification (exit 1 if rejected)")
    .argument('[url]', 'the control endpoint, e.g. http://127.0.0.1:7070 (not with --server)')
    .argument('[envelope-file]', 'the signed envelope (JSON)')
    .option('--server <url>', "submit to a control plane (heed serve) instead; the agent's stream delivers it")
    .option('--json', "print the endpoint's answer as JSON")
    .option('--timeout <duration>', 'give up after this long', '10s')
    .action(async (first: string | undefined, second: string | undefined, options: SendOptions) => {
      if (options.server !== undefined) {
        if (first === undefined || second !== undefined) {
          throw new InvalidInputError('With --server, give only the envelope file: heed order send --server URL FILE.');
        }
        await sendToServer(options.server, first, options);
        return;
      }
      if (first === undefined || second === undefined) {
        throw new InvalidInputError('Give the control endpoint and the envelope file (or --server URL and the file).');
      }
      const urlText = first;
      const file = second;
      const url = ordersUrl(urlText);
      const timeoutMs = parseDuration(options.timeout, '--timeout');
      const body = readBoundedText(file, 'envelope', maxSendBytes);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        // fetch's own message is "fetch failed"; the reason (ECONNREFUSED, a timeout, a refused port) is its cause.
        const reason = (error as { cause?: { code?: string; message?: string } }).cause;
        const cause = reason?.code ?? reason?.message ?? (error as Error).message;
        throw new UnreachableError('connection', `Cannot reach ${url.href}: ${cause}`, { cause: error });
      }
      const text = await response.text();
      let answer: Record<string, unknown>;
      try {
        answer = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new HeedError(
          'bad-response',
          `${url.href} answered HTTP ${response.status} with non-JSON: ${text.slice(0, 200)}`,
        );
      }
      const accepted = answer.accepted === true;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ status: response.status, ...answer })}\n`);
      } else if (accepted) {
        process.stdout.write(
          `${paintVerdict(true, 'accepted')}: ${String(answer.kind)} ${String(answer.id)} (effect: ${String(answer.effect)})\n`,
        );
      } else {
        process.stdout.write(
          `${paintVerdict(false, 'rejected')}: ${String(answer.reason ?? `HTTP ${response.status}`)}: ${String(answer.detail ?? answer.error ?? '')}\n`,
        );
      }
      process.exitCode = accepted ? exitCodes.success : exitCodes.failure;
    });
}
