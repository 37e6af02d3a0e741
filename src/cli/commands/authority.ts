import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { AuthorityChange } from '../../authority/authority-effect.ts';
import type { AuthorityState, LeaseStatus } from '../../authority/authority-state.ts';
import { createAuthority, type OrderDecision } from '../../authority/create-authority.ts';
import type { Envelope } from '../../authority/envelope.ts';
import { loadEnvelopeFile } from '../../authority/order-files.ts';
import { createMemoryAuthorityStore } from '../../authority/store/memory-authority-store.ts';
import { principalRank } from '../../charter/charter-schema.ts';
import { loadCharterFile } from '../../charter/load-charter.ts';
import { ManualClock } from '../../core/clock.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { parseTime } from '../parse-time.ts';

interface ExplainOptions {
  charter: string;
  orders: string;
  since?: string;
  at?: string;
  json?: boolean;
}

export function registerAuthorityCommand(program: Command): void {
  const authority = program.command('authority').description('explain who holds authority over an agent, and why');
  authority
    .command('explain')
    .description(
      'replay a folder of envelopes (by issuedAt) through the authority rules and print each decision and the resulting state',
    )
    .requiredOption('--charter <file>', 'the charter (YAML or JSON)')
    .requiredOption('--orders <dir>', 'a folder of envelope files (*.json)')
    .option(
      '--since <iso>',
      "when the agent started (the lease and silence clocks start here; default: the first order's time)",
    )
    .option('--at <iso>', "the time of the final state (default: the last order's time)")
    .option('--json', 'print {decisions, state, lease} as JSON')
    .action((options: ExplainOptions) => explain(options));
}

function explain(options: ExplainOptions): void {
  const charter = loadCharterFile(options.charter);
  const orders = readOrders(options.orders);
  const times = orders.map(({ envelope }) => Date.parse(envelope.issuedAt));
  const since = options.since === undefined ? (times[0] ?? Date.now()) : parseTime(options.since, '--since');
  const clock = new ManualClock(since);
  const finalChanges: AuthorityChange[] = [];
  const authority = createAuthority({
    charter,
    clock,
    store: createMemoryAuthorityStore(),
    onTimedChange: (change) => finalChanges.push(change),
  });
  const decisions: Array<{ file: string; at: string; decision: OrderDecision }> = [];
  orders.forEach(({ file, envelope }, index) => {
    clock.set(Math.max(clock.now(), times[index]!));
    decisions.push({ file, at: new Date(clock.now()).toISOString(), decision: authority.receive(envelope) });
  });
  const at = options.at === undefined ? clock.now() : parseTime(options.at, '--at');
  if (at < clock.now()) throw new InvalidInputError(`--at ${options.at} is earlier than the last order.`);
  // Changes found while receiving are reported with their order; only those after the last order remain here.
  finalChanges.length = 0;
  clock.set(at);
  const state = authority.state(at);
  const lease = authority.leaseStatus(at);
  if (options.json) {
    const json = {
      decisions: decisions.map(({ file, at: time, decision }) => ({
        file,
        at: time,
        id: decision.verification.accepted ? decision.verification.envelope.id : (decision.verification.id ?? null),
        accepted: decision.verification.accepted,
        reason: decision.verification.accepted ? null : decision.verification.reason,
        effect: decision.effect ?? null,
        explanation: decision.explanation,
        timed: decision.timed,
      })),
      finalChanges,
      at: new Date(at).toISOString(),
      state,
      lease,
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  for (const { file, at: time, decision } of decisions) {
    for (const change of decision.timed) lines.push(`${time}  (time) ${change.explanation}`);
    const verdict = decision.verification.accepted ? `accepted → ${decision.effect?.type}` : 'rejected';
    lines.push(`${time}  ${file}: ${verdict}`, `    ${decision.explanation}`);
  }
  for (const change of finalChanges) lines.push(`${new Date(at).toISOString()}  (time) ${change.explanation}`);
  lines.push('', `State at ${new Date(at).toISOString()}:`, ...describeState(state, lease));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function readOrders(folder: string): Array<{ file: string; envelope: Envelope }> {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.json'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(`Cannot read the orders folder ${folder}: ${code}`, { cause: error });
  }
  const orders = names.sort().map((file) => ({ file, envelope: loadEnvelopeFile(join(folder, file)) }));
  // A stable sort keeps file-name order among orders issued at the same instant.
  return orders.sort((left, right) => Date.parse(left.envelope.issuedAt) - Date.parse(right.envelope.issuedAt));
}

function describeState(state: AuthorityState, lease: LeaseStatus): string[] {
  const time = (milliseconds: number) => new Date(milliseconds).toISOString();
  const task = (held: { orderId: string; text: string; principals: string[]; amendments: string[] }) =>
    `"${held.text}" (order ${held.orderId} from ${held.principals.join(', ')}${held.amendments.length > 0 ? `; amended ${held.amendments.length}×` : ''})`;
  const lines = [
    `  stopped:    ${state.stopped === null ? 'no' : `yes, by ${state.stopped.principals.join(', ')} (order ${state.stopped.orderId})${state.stopped.reason === undefined ? '' : `: ${state.stopped.reason}`}`}`,
    `  task:       ${state.task === null ? 'none' : task(state.task)}`,
    `  conflict:   ${state.conflict.length === 0 ? 'none' : `${state.conflict.length} tasks held, asking which to pursue`}`,
    ...state.conflict.map((held) => `              - ${task(held)}`),
    `  lease:      ${lease.status === 'off' ? 'off' : lease.status === 'fresh' ? `fresh until ${time(lease.expiresAt)}` : `expired since ${time(lease.since)} (the agent must halt)`}`,
    '  roster:',
    ...state.charter.principals.map(
      (principal) =>
        `    ${principal.id}  roles [${principal.roles.join(', ')}]  rank ${principalRank(principal)}${principal.revoked ? '  REVOKED' : ''}  last heard ${time(state.lastHeard[principal.id] ?? 0)}`,
    ),
    `  succession: ${state.successions.length === 0 ? 'none pending' : ''}`,
    ...state.successions.map(
      (succession) =>
        `    '${succession.successor}' claims '${succession.for}' (claim ${succession.claimId}); completes at ${time(succession.completesAt)} unless vetoed`,
    ),
  ];
  const actions = Object.entries(state.actions);
  if (actions.length > 0) {
    lines.push('  actions:');
    for (const [action, decision] of actions) {
      lines.push(`    ${action}: ${decision.decision} by ${decision.principals.join(', ')}`);
    }
  }
  return lines;
}
