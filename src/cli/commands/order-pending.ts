import type { Command } from 'commander';
import { maxEnvelopeBytes } from '../../authority/envelope.ts';
import { cosignEnvelope } from '../../authority/sign-envelope.ts';
import { readBoundedText } from '../../core/read-bounded-file.ts';
import type { PendingOrder } from '../../server/api-schemas.ts';
import { callServer, loginToServer } from '../../server/server-client.ts';
import { paintVerdict } from '../style.ts';
import { principalKey, resolveServer } from './server-options.ts';

interface PendingOptions {
  server?: string;
  key: string;
  principal?: string;
  json?: boolean;
}

function describePending(pending: PendingOrder): string {
  const awaiting = pending.missing.length === 0 ? 'nobody else' : pending.missing.join(', ');
  const seq = pending.seq === undefined ? '' : ` as order ${pending.seq}`;
  return [
    `${pending.id}  ${pending.kind} to ${pending.target}  ${pending.status}${seq}`,
    `  signed by ${pending.signers.join(', ')}; needs ${pending.required.needed} of ${pending.required.eligible.join(', ')}; awaiting ${awaiting}`,
    `  proposed by ${pending.proposedBy} at ${pending.proposedAt}, expires ${pending.expiresAt}`,
  ].join('\n');
}

async function login(
  options: PendingOptions,
): Promise<{ server: string; token: string; signer: ReturnType<typeof principalKey> }> {
  const server = resolveServer(options.server);
  const signer = principalKey(options.key, options.principal);
  return { server, token: await loginToServer(server, signer.principal, signer.privateKey), signer };
}

/** `heed order cosign --server URL ID`: fetches the pending order, signs it with the local key, posts the signature. */
export async function cosignPendingOrder(id: string, options: PendingOptions): Promise<void> {
  const { server, token, signer } = await login(options);
  const path = `/pending-orders/${encodeURIComponent(id)}`;
  const { pending } = await callServer<{ pending: PendingOrder }>(server, path, { token });
  const signature = cosignEnvelope(pending.envelope, signer).sigs.at(-1)!;
  const answer = await callServer<{ pending: PendingOrder; submitted?: { seq: number } }>(
    server,
    `${path}/signatures`,
    {
      method: 'POST',
      body: JSON.stringify(signature),
      token,
    },
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return;
  }
  const outcome =
    answer.submitted === undefined
      ? `awaiting ${answer.pending.missing.join(', ') || 'a submission'}`
      : `the quorum is met: submitted as order ${answer.submitted.seq}; the agent verifies it itself`;
  process.stdout.write(
    `${paintVerdict(true, 'co-signed')}: ${answer.pending.id} (${answer.pending.kind} to ${answer.pending.target}); ${outcome}\n`,
  );
}

/** Adds `heed order propose`, `pending`, `submit` and `withdraw` (pending orders on a control plane) to `order`. */
export function registerOrderPendingCommands(program: Command): void {
  const order =
    program.commands.find((command) => command.name() === 'order') ??
    program.command('order').description('sign, co-sign, verify and send orders (signed envelopes)');
  const serverOptions = (command: Command) =>
    command
      .requiredOption('--key <file>', "your principal's private key (NAME.key.jwk), to log in with")
      .option('--principal <id>', "who you are (default: the key file's name)")
      .option('--server <url>', 'the control plane (default HEED_SERVER)')
      .option('--json', 'print the answer as JSON');
  serverOptions(
    order
      .command('propose')
      .description(
        'propose a partly signed envelope on the control plane, for others to co-sign (heed order cosign --server URL ID); submitted once its quorum is met',
      )
      .argument('<envelope-file>', 'the envelope, signed by at least one principal (heed order sign)'),
  ).action(async (file: string, options: PendingOptions) => {
    const body = readBoundedText(file, 'envelope', maxEnvelopeBytes);
    const { server, token } = await login(options);
    const { pending } = await callServer<{ pending: PendingOrder }>(server, '/pending-orders', {
      method: 'POST',
      body,
      token,
    });
    if (options.json) process.stdout.write(`${JSON.stringify({ pending })}\n`);
    else process.stdout.write(`${paintVerdict(true, 'proposed')}: ${describePending(pending)}\n`);
  });
  serverOptions(
    order
      .command('pending')
      .description('list the pending orders on agents whose charters list you, or show one')
      .argument('[id]', 'one pending order (its envelope id)'),
  ).action(async (id: string | undefined, options: PendingOptions) => {
    const { server, token } = await login(options);
    const listed =
      id === undefined
        ? (await callServer<{ pending: PendingOrder[] }>(server, '/pending-orders', { token })).pending
        : [
            (
              await callServer<{ pending: PendingOrder }>(server, `/pending-orders/${encodeURIComponent(id)}`, {
                token,
              })
            ).pending,
          ];
    if (options.json) {
      process.stdout.write(`${JSON.stringify(id === undefined ? { pending: listed } : { pending: listed[0] })}\n`);
      return;
    }
    if (listed.length === 0) process.stdout.write('no pending orders\n');
    for (const pending of listed) process.stdout.write(`${describePending(pending)}\n`);
  });
  serverOptions(
    order
      .command('submit')
      .description('submit a pending order now, whether or not its quorum is met (the agent decides)')
      .argument('<id>', 'the pending order (its envelope id)'),
  ).action(async (id: string, options: PendingOptions) => {
    const { server, token } = await login(options);
    const answer = await callServer<{ seq: number; target: string; id: string; pending: PendingOrder }>(
      server,
      `/pending-orders/${encodeURIComponent(id)}/submit`,
      { method: 'POST', token },
    );
    if (options.json) process.stdout.write(`${JSON.stringify(answer)}\n`);
    else {
      process.stdout.write(
        `${paintVerdict(true, 'submitted')}: ${answer.id} to ${answer.target} (order ${answer.seq}) with ${answer.pending.signers.length} of ${answer.pending.required.needed} signatures; the agent verifies it itself\n`,
      );
    }
  });
  serverOptions(
    order
      .command('withdraw')
      .description('withdraw a pending order (its proposer or an owner)')
      .argument('<id>', 'the pending order (its envelope id)'),
  ).action(async (id: string, options: PendingOptions) => {
    const { server, token } = await login(options);
    const { pending } = await callServer<{ pending: PendingOrder }>(
      server,
      `/pending-orders/${encodeURIComponent(id)}`,
      {
        method: 'DELETE',
        token,
      },
    );
    if (options.json) process.stdout.write(`${JSON.stringify({ pending })}\n`);
    else
      process.stdout.write(
        `${paintVerdict(true, 'withdrawn')}: ${pending.id} (${pending.kind} to ${pending.target})\n`,
      );
  });
}
