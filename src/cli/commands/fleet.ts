import type { Command } from 'commander';
import { signOrder } from '../../authority/sign-envelope.ts';
import type { OrderKind } from '../../charter/charter-schema.ts';
import { parseDuration } from '../../core/duration.ts';
import { HeedError, InvalidInputError, UnreachableError } from '../../core/heed-error.ts';
import { callServer, ServerRefusedError, submitEnvelope } from '../../server/server-client.ts';
import { paintVerdict } from '../style.ts';
import { loginWithKeyFile, principalKey, resolveServer } from './server-options.ts';

interface ListedAgent {
  id: string;
  status: string;
  connected: boolean;
  groups: string[];
  roles: string[];
  lastSeen: string;
  charterHash: string;
}

interface FleetOrderOptions {
  key: string;
  principal?: string;
  server?: string;
  reason?: string;
  ttl: string;
  json?: boolean;
}

function addFleetOrder(fleet: Command, kind: Extract<OrderKind, 'stop' | 'resume' | 'lease'>, what: string): void {
  const command = fleet
    .command(kind)
    .description(what)
    .argument('<group>', "the group, as the members' charters list it")
    .requiredOption('--key <file>', "the signing principal's private key (NAME.key.jwk)")
    .option('--principal <id>', "the signer (default: the key file's name)")
    .option('--server <url>', 'the control plane (default HEED_SERVER)')
    .option('--ttl <duration>', 'how long the order stays valid', '10m');
  if (kind === 'stop') command.option('--reason <text>', 'why, recorded with the order');
  command.option('--json', 'print the submission as JSON').action(async (group: string, options: FleetOrderOptions) => {
    const server = resolveServer(options.server);
    const signer = principalKey(options.key, options.principal);
    const envelope = signOrder({
      ...signer,
      agent: `group:${group}`,
      kind,
      body: kind === 'stop' && options.reason !== undefined ? { reason: options.reason } : {},
      ttlMs: parseDuration(options.ttl, '--ttl'),
    });
    const submitted = await submitEnvelope(server, JSON.stringify(envelope));
    if (options.json) process.stdout.write(`${JSON.stringify(submitted)}\n`);
    else {
      process.stdout.write(
        `${paintVerdict(true, 'submitted')}: ${kind} ${submitted.id} to group '${group}' (${submitted.members} member(s), order ${submitted.seq}); each agent verifies it itself\n`,
      );
    }
  });
}

interface ListOptions {
  key: string;
  principal?: string;
  server?: string;
  wait?: string;
  timeout: string;
  json?: boolean;
}

/**
 * Logs in and lists. While --wait waits, a server still starting (unreachable) or knowing no agent of yours yet (401)
 * counts as no agents, and is asked again.
 */
async function listAgents(server: string, options: ListOptions): Promise<ListedAgent[]> {
  try {
    const token = await loginWithKeyFile(server, options.key, options.principal);
    return (await callServer<{ agents: ListedAgent[] }>(server, '/agents', { token })).agents;
  } catch (error) {
    const notYet = (error instanceof ServerRefusedError && error.status === 401) || error instanceof UnreachableError;
    if (options.wait !== undefined && notYet) return [];
    throw error;
  }
}

export function registerFleetCommand(program: Command): void {
  const fleet = program
    .command('fleet')
    .description('see and govern the agents joined to a control plane (heed serve)');
  fleet
    .command('ls')
    .description('list the agents whose charters list you, with live status')
    .requiredOption('--key <file>', "your principal's private key, to log in with (NAME.key.jwk)")
    .option('--principal <id>', "who you are (default: the key file's name)")
    .option('--server <url>', 'the control plane (default HEED_SERVER)')
    .option('--wait <count>', 'first wait until this many of your agents are connected (at most --timeout)')
    .option('--timeout <duration>', 'how long --wait waits', '60s')
    .option('--json', 'print the agents as JSON')
    .action(async (options: ListOptions) => {
      const server = resolveServer(options.server);
      const wanted = options.wait === undefined ? 0 : Number(options.wait);
      if (!Number.isInteger(wanted) || wanted < 0) {
        throw new InvalidInputError(`--wait '${options.wait}' must be a whole number of agents.`);
      }
      const deadline = Date.now() + parseDuration(options.timeout, '--timeout');
      let agents = await listAgents(server, options);
      while (agents.filter((agent) => agent.connected).length < wanted) {
        if (Date.now() >= deadline) {
          throw new HeedError(
            'timeout',
            `${agents.filter((agent) => agent.connected).length} of the ${wanted} agents awaited are connected after ${options.timeout}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
        agents = await listAgents(server, options);
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ agents })}\n`);
        return;
      }
      if (agents.length === 0) process.stdout.write('no agents you may see\n');
      for (const agent of agents) {
        process.stdout.write(
          `${agent.id.padEnd(20)} ${agent.status.padEnd(8)} ${(agent.connected ? 'connected' : 'offline').padEnd(10)} groups: ${agent.groups.join(',') || '-'}  roles: ${agent.roles.join(',')}  seen ${agent.lastSeen}\n`,
        );
      }
    });
  addFleetOrder(fleet, 'stop', "sign one stop for a group and submit it: every member's charter must list the group");
  addFleetOrder(
    fleet,
    'resume',
    'sign one resume for a group and submit it (the charters decide whose signatures it needs)',
  );
  addFleetOrder(fleet, 'lease', "renew a group's authority lease with one signed order");
}
