import type { Command } from 'commander';
import { signOrder } from '../../authority/sign-envelope.ts';
import type { OrderKind } from '../../charter/charter-schema.ts';
import { parseDuration } from '../../core/duration.ts';
import { HeedError, InvalidInputError, UnreachableError } from '../../core/heed-error.ts';
import type { PendingCheck, PendingOrder } from '../../server/api-schemas.ts';
import { callServer, loginToServer, ServerRefusedError, submitEnvelope } from '../../server/server-client.ts';
import { paintVerdict } from '../style.ts';
import { principalKey, resolveServer } from './server-options.ts';

interface ServerKeyOptions {
  server?: string;
  key: string;
  principal?: string;
  agent?: string;
  json?: boolean;
}

interface ListOptions extends ServerKeyOptions {
  wait?: string;
  timeout: string;
}

interface AnswerOptions extends ServerKeyOptions {
  note?: string;
  reason?: string;
  ttl: string;
}

const checksPath = (agent: string | undefined) =>
  agent === undefined ? '/checks' : `/agents/${encodeURIComponent(agent)}/checks`;

async function readChecks(server: string, token: string, agent: string | undefined): Promise<PendingCheck[]> {
  return (await callServer<{ checks: PendingCheck[] }>(server, checksPath(agent), { token })).checks;
}

function describeCheck(check: PendingCheck): string {
  const lines = [
    `${check.action.slice(0, 12)}  ${check.agent}  ${check.tool} ${JSON.stringify(check.input).slice(0, 120)}`,
    `  rule: ${check.rule ?? '(not shipped)'}`,
    `  prediction: ${check.prediction}`,
  ];
  if (check.reasoning !== undefined) lines.push(`  reasoning: ${check.reasoning.slice(0, 300)}`);
  lines.push(`  requested ${check.requestedAt}, expires ${check.expiresAt}`);
  return lines.join('\n');
}

/** The one pending check whose action hash starts with `prefix`; an unknown or ambiguous prefix is refused. */
function pickCheck(checks: readonly PendingCheck[], prefix: string): PendingCheck {
  const wanted = prefix.toLowerCase();
  const matches = checks.filter((check) => check.action.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new HeedError('unknown-check', `No pending check you may see has an action starting with '${prefix}'.`);
  }
  throw new HeedError(
    'ambiguous-check',
    `'${prefix}' starts ${matches.length} pending actions: ${matches.map((check) => `${check.action.slice(0, 16)} (${check.agent})`).join(', ')}; give more of the hash or --agent.`,
  );
}

async function answer(kind: Extract<OrderKind, 'approve' | 'deny'>, prefix: string, options: AnswerOptions) {
  const server = resolveServer(options.server);
  if (!/^[0-9a-fA-F]{4,64}$/.test(prefix)) {
    throw new InvalidInputError(`ACTION '${prefix}' must be 4 to 64 hex digits of the action's hash (heed checks ls).`);
  }
  const signer = principalKey(options.key, options.principal);
  const ttlMs = parseDuration(options.ttl, '--ttl');
  const token = await loginToServer(server, signer.principal, signer.privateKey);
  const check = pickCheck(await readChecks(server, token, options.agent), prefix);
  const text = kind === 'approve' ? options.note : options.reason;
  const body = {
    action: check.action,
    ...(text === undefined ? {} : { [kind === 'approve' ? 'note' : 'reason']: text }),
  };
  const envelope = signOrder({ ...signer, agent: check.agent, kind, body, ttlMs });
  const agents = (
    await callServer<{ agents: Array<{ id: string; authority?: Record<string, { quorum: unknown }> }> }>(
      server,
      '/agents',
      { token },
    )
  ).agents;
  const quorum = agents.find((agent) => agent.id === check.agent)?.authority?.[kind]?.quorum;
  if (quorum !== undefined && quorum !== 1) {
    // One signature will not do: gather the rest through a pending order rather than send one the agent refuses.
    const { pending } = await callServer<{ pending: PendingOrder }>(server, '/pending-orders', {
      method: 'POST',
      body: JSON.stringify(envelope),
      token,
    });
    if (pending.signers.length < pending.required.needed) {
      if (options.json) process.stdout.write(`${JSON.stringify({ pending })}\n`);
      else {
        process.stdout.write(
          `${paintVerdict(true, 'proposed')}: ${kind} of ${check.action.slice(0, 12)} on ${check.agent} needs ${pending.required.needed} signatures; pending order ${pending.id} awaits ${pending.missing.join(', ')} (heed order cosign --server ${server} ${pending.id})\n`,
        );
      }
      return;
    }
    const submitted = await callServer<{ seq: number; target: string; id: string }>(
      server,
      `/pending-orders/${encodeURIComponent(pending.id)}/submit`,
      { method: 'POST', token },
    );
    report(kind, check, submitted, options.json);
    return;
  }
  report(kind, check, await submitEnvelope(server, JSON.stringify(envelope), token), options.json);
}

function report(kind: string, check: PendingCheck, submitted: { seq: number; id: string }, json: boolean | undefined) {
  if (json) process.stdout.write(`${JSON.stringify({ ...submitted, action: check.action, agent: check.agent })}\n`);
  else {
    process.stdout.write(
      `${paintVerdict(true, 'submitted')}: ${kind} of ${check.action.slice(0, 12)} (${check.tool}) to ${check.agent} (order ${submitted.seq}); the agent verifies it itself\n`,
    );
  }
}

function serverKeyOptions(command: Command): Command {
  return command
    .requiredOption('--key <file>', "your principal's private key (NAME.key.jwk): logs in, and signs answers")
    .option('--principal <id>', "who you are (default: the key file's name)")
    .option('--server <url>', 'the control plane (default HEED_SERVER)')
    .option('--agent <id>', 'only this agent');
}

export function registerChecksCommand(program: Command): void {
  const checks = program
    .command('checks')
    .description('the high-impact actions your agents hold for a signed approval (heed serve)');
  serverKeyOptions(checks.command('ls').description('list the pending checks of the agents whose charters list you'))
    .option('--wait <count>', 'first wait until at least this many checks are pending (at most --timeout)')
    .option('--timeout <duration>', 'how long --wait waits', '60s')
    .option('--json', 'print {"checks": [...]}')
    .action(async (options: ListOptions) => {
      const server = resolveServer(options.server);
      const wanted = options.wait === undefined ? 0 : Number(options.wait);
      if (!Number.isInteger(wanted) || wanted < 0) {
        throw new InvalidInputError(`--wait '${options.wait}' must be a whole number of checks.`);
      }
      const deadline = Date.now() + parseDuration(options.timeout, '--timeout');
      const signer = principalKey(options.key, options.principal);
      let token: string | undefined;
      let found: PendingCheck[] = [];
      for (;;) {
        try {
          token ??= await loginToServer(server, signer.principal, signer.privateKey);
          found = await readChecks(server, token, options.agent);
        } catch (error) {
          // While waiting, a server still starting or knowing none of your agents yet counts as no checks.
          const notYet =
            (error instanceof ServerRefusedError && error.status === 401) || error instanceof UnreachableError;
          if (wanted === 0 || !notYet) throw error;
        }
        if (found.length >= wanted) break;
        if (Date.now() >= deadline) {
          throw new HeedError(
            'timeout',
            `${found.length} of the ${wanted} checks awaited are pending after ${options.timeout}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ checks: found })}\n`);
        return;
      }
      if (found.length === 0) process.stdout.write('no pending checks\n');
      for (const check of found) process.stdout.write(`${describeCheck(check)}\n`);
    });
  serverKeyOptions(
    checks
      .command('approve')
      .description("approve one pending action: signs an 'approve' order naming its hash and submits it")
      .argument('<action>', "the action's hash, or a unique prefix of it (heed checks ls)"),
  )
    .option('--note <text>', 'a note recorded with the approval')
    .option('--ttl <duration>', 'how long the approval stays valid', '10m')
    .option('--json', 'print the submission as JSON')
    .action((action: string, options: AnswerOptions) => answer('approve', action, options));
  serverKeyOptions(
    checks
      .command('deny')
      .description("deny one pending action: signs a 'deny' order naming its hash and submits it")
      .argument('<action>', "the action's hash, or a unique prefix of it (heed checks ls)"),
  )
    .option('--reason <text>', 'why, recorded with the denial and told to the model')
    .option('--ttl <duration>', 'how long the denial stays valid', '10m')
    .option('--json', 'print the submission as JSON')
    .action((action: string, options: AnswerOptions) => answer('deny', action, options));
}
