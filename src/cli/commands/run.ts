import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AuditEntry } from '../../audit/audit-event.ts';
import { checkAuditEvent } from '../../audit/events/check-audit-event.ts';
import { maxEnvelopeBytes } from '../../authority/envelope.ts';
import { loadPrivateKeyFile, principalOfKeyFile, writeFileAtomically } from '../../authority/order-files.ts';
import { createEnvelope, signEnvelope } from '../../authority/sign-envelope.ts';
import { loadCharterFile } from '../../charter/load-charter.ts';
import { systemClock } from '../../core/clock.ts';
import { InvalidInputError, UnreachableError } from '../../core/heed-error.ts';
import { ensurePrivateFolder } from '../../core/private-files.ts';
import { readBoundedText } from '../../core/read-bounded-file.ts';
import { createAgent } from '../../kernel/create-agent.ts';
import { createProviderFromSpec } from '../../providers/model-spec.ts';
import type { Provider } from '../../providers/provider.ts';
import { serverBaseUrl } from '../../server/server-client.ts';
import { exitCodes } from '../exit-codes.ts';
import { addModelOptions, type ModelCommandOptions, providerOptions, reportRetry } from '../model-options.ts';
import { paint } from '../style.ts';

interface RunOptions extends ModelCommandOptions {
  charter: string;
  task?: string;
  taskEnvelope?: string;
  order: string[];
  key?: string;
  principal?: string;
  model: string;
  workspace: string;
  state: string;
  keys?: string;
  anchor?: string | false;
  witness?: string;
  controlPort?: string;
  server?: string;
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

/** Short human lines for the progress output; the audit log keeps the full events, read through their schemas. */
export function describeEvent(entry: AuditEntry): string {
  const checked = checkAuditEvent(entry.type, entry.data);
  if (!checked.ok) return `${entry.type} ${JSON.stringify(entry.data).slice(0, 160)} (${checked.reason})`;
  const event = checked.event;
  switch (event.type) {
    case 'order-accepted': {
      const { kind, id, signers, effect } = event.data;
      return `order accepted: ${kind} ${id} from ${JSON.stringify(signers)} (${effect})`;
    }
    case 'order-rejected':
      return `order rejected (${event.data.reason}): ${event.data.detail}`;
    case 'model-call-start':
      return `model call ${event.data.call} (${event.data.purpose})`;
    case 'model-call-end': {
      const asked = event.data.outcome === 'ok' ? (event.data.toolCalls ?? []).map((call) => call.name) : [];
      return `model call ${event.data.call}: ${event.data.outcome}${asked.length > 0 ? `, asks for ${asked.join(', ')}` : ''}`;
    }
    case 'policy-decision':
      return `policy: ${event.data.tool} (${event.data.impact}) → ${event.data.decision}`;
    case 'tool-call-start': {
      const input = event.data.input === undefined ? (event.data.inputHash ?? '') : JSON.stringify(event.data.input);
      return `tool ${event.data.call} ${event.data.tool} ${input}`.slice(0, 200);
    }
    case 'tool-call-end':
      return `tool ${event.data.call} ${event.data.name}: ${event.data.outcome}${'error' in event.data ? ` (${event.data.error})` : ''}`;
    case 'tool-call-rejected':
      return `tool call ${event.data.call} rejected (${event.data.reason}): ${event.data.detail}`;
    case 'check-requested':
      return `check requested for ${event.data.tool}: approve with an 'approve' order whose body is {"action":"${event.data.action}"}\n  prediction: ${event.data.prediction}`;
    case 'halt': {
      const { reason, detail, aborted, abandoned, killedProcessGroups } = event.data;
      return `halted (${reason}): ${detail}; aborted ${JSON.stringify(aborted)}, abandoned ${JSON.stringify(abandoned)}, killed process groups ${JSON.stringify(killedProcessGroups)}`;
    }
    default:
      return `${event.type} ${JSON.stringify(event.data).slice(0, 160)}`;
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
  if (options.taskEnvelope !== undefined)
    return readBoundedText(options.taskEnvelope, 'task envelope', maxEnvelopeBytes);
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

/** The provider, and whether its last call failed because the model server could not be reached. */
function watchUnreachable(inner: Provider): { provider: Provider; unreachable: () => boolean } {
  let unreachable = false;
  const provider: Provider = {
    ...inner,
    step: async (messages, tools, stepOptions) => {
      try {
        const result = await inner.step(messages, tools, stepOptions);
        unreachable = false;
        return result;
      } catch (error) {
        unreachable = error instanceof UnreachableError;
        throw error;
      }
    },
  };
  return { provider, unreachable: () => unreachable };
}

async function runAgent(options: RunOptions): Promise<number> {
  const charter = loadCharterFile(options.charter);
  const task = taskOrder(options, charter.agent);
  const orders = options.order.map((file) => readBoundedText(file, 'order', maxEnvelopeBytes));
  const maxSteps = positiveInteger(options.maxSteps, '--max-steps');
  const controlPort =
    options.controlPort === undefined ? undefined : positiveInteger(options.controlPort, '--control-port', 0);
  if (!statSync(resolve(options.workspace), { throwIfNoEntry: false })?.isDirectory()) {
    throw new InvalidInputError(`Workspace '${options.workspace}' is not an existing folder.`);
  }
  const model = watchUnreachable(createProviderFromSpec(options.model, providerOptions(options, reportRetry)));
  const agent = await createAgent({
    charter,
    provider: model.provider,
    stateDir: options.state,
    ...(options.keys === undefined ? {} : { keysDir: options.keys }),
    ...(options.anchor === undefined ? {} : { anchorFile: options.anchor }),
    ...(options.witness === undefined ? {} : { witnessUrl: options.witness }),
    onWitnessError: (error) => process.stderr.write(`heed: the witness did not take a checkpoint: ${error.message}\n`),
    workspace: options.workspace,
    shell: options.shell === true,
    screening: options.screening,
    // Key files given here are as secret as the keys folder, wherever they are.
    protectedPaths: [options.charter, ...(options.key === undefined ? [] : [dirname(resolve(options.key))])],
    maxSteps,
    ...(controlPort === undefined ? {} : { controlPort }),
    ...(options.server === undefined ? {} : { server: serverBaseUrl(options.server) }),
    onServerError: (error) => process.stderr.write(`heed: control plane: ${error.message}\n`),
  });
  try {
    if (agent.controlUrl !== undefined) process.stderr.write(`heed: control endpoint ${agent.controlUrl}\n`);
    if (options.server !== undefined) process.stderr.write(`heed: joined the control plane ${options.server}\n`);
    agent.onEvent((entry) => process.stderr.write(`heed: [${entry.seq}] ${describeEvent(entry)}\n`));
    for (const [index, order] of orders.entries()) {
      const delivery = agent.deliver(order);
      if (!delivery.accepted) {
        process.stderr.write(
          `heed: --order ${options.order[index]} was rejected (${delivery.reason}): ${delivery.detail}\n`,
        );
      }
    }
    const delivery = agent.deliver(task);
    if (!delivery.accepted) {
      await agent.halt('error', `the task order was rejected (${delivery.reason})`);
      process.stderr.write(`heed: the task order was rejected (${delivery.reason}): ${delivery.detail}\n`);
      return exitCodes.failure;
    }
    const stopped = agent.authorityState().stopped;
    if (stopped !== null) {
      process.stderr.write(
        `heed: agent '${charter.agent}' is stopped (order ${stopped.orderId} by ${stopped.principals.join(', ')}); it stays stopped until a verified resume: pass one with --order FILE.\n`,
      );
    }
    const cancel = () => void agent.halt('cancelled', 'the operator interrupted heed run');
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    const step = await agent.runToEnd().finally(() => {
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
    });
    const runs = join(resolve(options.state), 'runs');
    ensurePrivateFolder(runs, 'runs folder');
    const statePath = join(runs, `${agent.runId}.json`);
    writeFileAtomically(statePath, `${JSON.stringify(agent.state(), null, 2)}\n`, 0o600);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ runId: agent.runId, step, state: statePath })}\n`);
    } else {
      process.stdout.write(
        step.type === 'final' ? `${step.text}\n` : `${paint('yellow', 'halted')} (${step.reason}): ${step.detail}\n`,
      );
    }
    if (step.type === 'final') return exitCodes.success;
    // A run that halted because its model server could not be reached is a service failure, not a verdict.
    return step.reason === 'error' && model.unreachable() ? exitCodes.unreachable : exitCodes.failure;
  } finally {
    await agent.close();
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description('run one agent under its charter: stoppable, authenticated, checked and audited')
    .requiredOption('--charter <file>', 'the charter (YAML or JSON)')
    .option('--task <text>', 'the task, signed here with --key as an order')
    .option('--key <file>', "a principal's private key (NAME.key.jwk) to sign --task with")
    .option('--principal <id>', "the signer of --task (default: the key file's name)")
    .option('--task-envelope <file>', 'the task as an envelope already signed by a principal')
    .option(
      '--order <file>',
      'a signed order to deliver before the task, e.g. a resume for a stopped agent (repeatable, in order)',
      collect,
      [],
    )
    .requiredOption('--model <spec>', 'openai:<model>, anthropic:<model>, scripted:<file> or fake:<behaviour>')
    .requiredOption('--workspace <dir>', 'the only folder the tools may touch')
    .option(
      '--state <dir>',
      "where heed keeps heed.db: the audit log and the authority's state, restored at every start",
      '.heed',
    )
    .option(
      '--keys <dir>',
      "the keys folder, protected from tools: the agent's checkpoint key and audit anchor (default: keys beside --state)",
    )
    .option('--anchor <file>', 'where audit checkpoints are anchored (default: <keys>/<agent>.anchor.jsonl)')
    .option('--no-anchor', 'do not anchor audit checkpoints')
    .option('--witness <url>', 'also POST each anchored checkpoint to this URL')
    .option('--control-port <n>', 'open POST /orders and GET /status on 127.0.0.1:N (0: a free port)')
    .option('--server <url>', 'join a control plane (heed serve): take orders from it and ship the audit log to it')
    .option('--max-steps <n>', 'halt after this many model calls', '50')
    .option('--shell', 'offer the isolated shell tool')
    .option('--no-screening', 'do not screen tool results for injected instructions')
    .option('--json', 'print the outcome as JSON');
  addModelOptions(run).action(async (options: RunOptions) => {
    process.exitCode = await runAgent(options);
  });
}
