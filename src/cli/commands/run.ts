import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AuditEntry } from '../../audit/audit-event.ts';
import { openSqliteAuditStore } from '../../audit/sqlite/sqlite-audit-store.ts';
import { createAuthority } from '../../authority/create-authority.ts';
import { maxEnvelopeBytes } from '../../authority/envelope.ts';
import {
  loadPrivateKeyFile,
  principalOfKeyFile,
  readInputFile,
  writeFileAtomically,
} from '../../authority/order-files.ts';
import { openSqliteSeenOrderStore } from '../../authority/seen-order-store.ts';
import { createEnvelope, signEnvelope } from '../../authority/sign-envelope.ts';
import { loadCharterFile } from '../../charter/load-charter.ts';
import { renderCharterInstructions } from '../../charter/render-charter.ts';
import { systemClock } from '../../core/clock.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { type ControlEndpoint, serveControlEndpoint } from '../../kernel/control/serve-control-endpoint.ts';
import { createKernel, type Kernel } from '../../kernel/create-kernel.ts';
import type { Delivery } from '../../kernel/deliver-order.ts';
import { loadAgentKey } from '../../kernel/load-agent-key.ts';
import { ControlPlaneGuard } from '../../kernel/tools/control-plane-guard.ts';
import { controlPlanePaths } from '../../kernel/tools/control-plane-paths.ts';
import { createBuiltinTools } from '../../kernel/tools/create-builtin-tools.ts';
import { createProviderFromSpec } from '../../providers/model-spec.ts';
import { createScreeningPool, type ScreeningPool } from '../../screening/screening-pool.ts';
import { exitCodes } from '../exit-codes.ts';

interface RunOptions {
  charter: string;
  task?: string;
  taskEnvelope?: string;
  key?: string;
  principal?: string;
  model: string;
  workspace: string;
  state: string;
  controlPort?: string;
  maxSteps: string;
  shell?: boolean;
  screening: boolean;
  json?: boolean;
}

function positiveInteger(text: string, option: string, minimum = 1): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < minimum || value > 65_535 * 1000) {
    throw new InvalidInputError(`${option} '${text}' must be an integer of at least ${minimum}.`);
  }
  return value;
}

/** Short human lines for the progress output; the audit log keeps the full events. */
export function describeEvent(entry: AuditEntry): string {
  const data = entry.data;
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  switch (entry.type) {
    case 'order-accepted':
      return `order accepted: ${text(data.kind)} ${text(data.id)} from ${text(data.signers)} (${text(data.effect)})`;
    case 'order-rejected':
      return `order rejected (${text(data.reason)}): ${text(data.detail)}`;
    case 'model-call-start':
      return `model call ${text(data.call)} (${text(data.purpose)})`;
    case 'model-call-end':
      return `model call ${text(data.call)}: ${text(data.outcome)}${Array.isArray(data.toolCalls) && data.toolCalls.length > 0 ? `, asks for ${data.toolCalls.map((call: { name?: unknown }) => text(call.name)).join(', ')}` : ''}`;
    case 'policy-decision':
      return `policy: ${text(data.tool)} (${text(data.impact)}) → ${text(data.decision)}`;
    case 'tool-call-start':
      return `tool ${text(data.call)} ${text(data.tool)} ${text(data.input ?? data.inputHash ?? '')}`.slice(0, 200);
    case 'tool-call-end':
      return `tool ${text(data.call)} ${text(data.name)}: ${text(data.outcome)}${data.error ? ` (${text(data.error)})` : ''}`;
    case 'tool-call-rejected':
      return `tool call ${text(data.call)} rejected (${text(data.reason)}): ${text(data.detail)}`;
    case 'check-requested':
      return `check requested for ${text(data.tool)}: approve with an 'approve' order whose body is {"action":"${text(data.action)}"}\n  prediction: ${text(data.prediction)}`;
    case 'halt':
      return `halted (${text(data.reason)}): ${text(data.detail)}; aborted ${text(data.aborted)}, abandoned ${text(data.abandoned)}, killed process groups ${text(data.killedProcessGroups)}`;
    default:
      return `${entry.type} ${JSON.stringify(data).slice(0, 160)}`;
  }
}

/**
 * The run's first order. It is verified like every other (invariant 1): either a signed envelope from a file,
 * or the task text signed here with a principal's key that the operator running the CLI holds.
 */
function taskOrder(options: RunOptions, agent: string): string {
  if ((options.task === undefined) === (options.taskEnvelope === undefined)) {
    throw new InvalidInputError('Give the task with exactly one of --task TEXT (with --key) or --task-envelope FILE.');
  }
  if (options.taskEnvelope !== undefined) return readInputFile(options.taskEnvelope, 'task envelope', maxEnvelopeBytes);
  if (options.key === undefined) {
    throw new InvalidInputError(
      '--task needs --key FILE: a task is an order, signed by a principal the charter lets give tasks (or use --task-envelope FILE).',
    );
  }
  const principal = options.principal ?? principalOfKeyFile(options.key);
  if (principal === undefined) {
    throw new InvalidInputError(`Cannot tell the principal from key file ${options.key}; pass --principal ID.`);
  }
  const unsigned = createEnvelope({
    agent,
    kind: 'task',
    body: { text: options.task },
    ttlMs: 10 * 60_000,
    now: systemClock.now(),
  });
  return JSON.stringify(signEnvelope(unsigned, { principal, privateKey: loadPrivateKeyFile(options.key) }));
}

async function runAgent(options: RunOptions): Promise<number> {
  const charter = loadCharterFile(options.charter);
  const order = taskOrder(options, charter.agent);
  const maxSteps = positiveInteger(options.maxSteps, '--max-steps');
  const controlPort =
    options.controlPort === undefined ? undefined : positiveInteger(options.controlPort, '--control-port', 0);
  const workspace = resolve(options.workspace);
  if (!statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidInputError(`Workspace '${options.workspace}' is not an existing folder.`);
  }
  const provider = createProviderFromSpec(options.model);
  const stateFolder = resolve(options.state);
  const database = join(stateFolder, 'heed.db');
  const agentKey = loadAgentKey(stateFolder);

  let kernel: Kernel | undefined;
  const notReady: Delivery = { accepted: false, reason: 'error', detail: 'the agent is starting', id: null };
  let endpoint: ControlEndpoint | undefined;
  if (controlPort !== undefined) {
    endpoint = await serveControlEndpoint(
      {
        deliver: (input) => kernel?.deliver(input) ?? notReady,
        status: () => {
          if (!kernel) throw new Error('the agent is starting');
          return kernel.status();
        },
      },
      controlPort,
    );
    process.stderr.write(`heed: control endpoint ${endpoint.url}\n`);
  }
  const seen = openSqliteSeenOrderStore(database);
  // Screening runs in a worker thread with a deadline, so no tool result or document can hold up a stop.
  const screening: ScreeningPool | undefined = options.screening
    ? createScreeningPool({ screener: { thresholds: charter.screening.thresholds } })
    : undefined;
  const store = openSqliteAuditStore({ path: database, agent: charter.agent, signingKey: agentKey.privateKey });
  try {
    const guard = new ControlPlaneGuard({
      protectedPaths: controlPlanePaths({
        charterFile: options.charter,
        ...(options.key === undefined ? {} : { keysFolder: dirname(resolve(options.key)) }),
        stateFolder,
        databaseFile: database,
      }),
      ...(endpoint ? { controlEndpoint: { host: '127.0.0.1', port: endpoint.port } } : {}),
    });
    const tools = await createBuiltinTools({ workspace, guard, shell: options.shell === true });
    kernel = createKernel({
      charter,
      instructions: renderCharterInstructions(charter),
      provider,
      tools,
      store,
      authority: createAuthority({ charter, clock: systemClock, seen }),
      maxSteps,
      ...(screening ? { screener: screening } : {}),
    });
    const running = kernel;
    running.onEvent((entry) => process.stderr.write(`heed: [${entry.seq}] ${describeEvent(entry)}\n`));
    const delivery = running.deliver(order);
    if (!delivery.accepted) {
      await running.halt('error', `the task order was rejected (${delivery.reason})`);
      process.stderr.write(`heed: the task order was rejected (${delivery.reason}): ${delivery.detail}\n`);
      return exitCodes.failure;
    }
    const cancel = () => void running.halt('cancelled', 'the operator interrupted heed run');
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    const step = await running.runToEnd().finally(() => {
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
    });
    const statePath = join(stateFolder, 'runs', `${running.runId}.json`);
    mkdirSync(dirname(statePath), { recursive: true });
    writeFileAtomically(statePath, `${JSON.stringify(running.state(), null, 2)}\n`);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ runId: running.runId, step, state: statePath })}\n`);
    } else {
      process.stdout.write(step.type === 'final' ? `${step.text}\n` : `halted (${step.reason}): ${step.detail}\n`);
    }
    return step.type === 'final' ? exitCodes.success : exitCodes.failure;
  } finally {
    await endpoint?.close();
    await screening?.close();
    await store.close();
    seen.close();
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run one agent under its charter: stoppable, authenticated, checked and audited')
    .requiredOption('--charter <file>', 'the charter (YAML or JSON)')
    .option('--task <text>', 'the task, signed here with --key as an order')
    .option('--key <file>', "a principal's private key (NAME.key.jwk) to sign --task with")
    .option('--principal <id>', "the signer of --task (default: the key file's name)")
    .option('--task-envelope <file>', 'the task as an envelope already signed by a principal')
    .requiredOption('--model <spec>', 'openai:<model>, scripted:<file> or fake:<behaviour>')
    .requiredOption('--workspace <dir>', 'the only folder the tools may touch')
    .option('--state <dir>', 'where heed keeps heed.db (audit log, seen orders) and the agent key', '.heed')
    .option('--control-port <n>', 'open POST /orders and GET /status on 127.0.0.1:N (0: a free port)')
    .option('--max-steps <n>', 'halt after this many model calls', '50')
    .option('--shell', 'offer the isolated shell tool')
    .option('--no-screening', 'do not screen tool results for injected instructions')
    .option('--json', 'print the outcome as JSON')
    .action(async (options: RunOptions) => {
      process.exitCode = await runAgent(options);
    });
}
