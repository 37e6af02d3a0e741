import type { AuditEntry, AuditEventData, AuditStore } from '../audit/audit-event.ts';
import { warmEnvelopeVerification } from '../authority/warm-verification.ts';
import { renderCharterInstructions } from '../charter/render-charter.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { parseDuration } from '../core/duration.ts';
import { HeedError, InvalidInputError } from '../core/heed-error.ts';
import { newId } from '../core/ids.ts';
import type { Provider } from '../providers/provider.ts';
import { createUntrustedMarker } from '../screening/mark-untrusted.ts';
import { advanceRun } from './agent-loop.ts';
import { createAuditRecorder } from './audit-recorder.ts';
import { type Delivery, deliverOrder, deliverOrderRecorded } from './deliver-order.ts';
import { forceKillProcessGroup } from './force-kill-process-group.ts';
import { type GuardedToolResult, guardToolCall } from './guard-tool-call.ts';
import type { KernelAuthority, KernelScreener, ProcessGroupKiller } from './kernel-ports.ts';
import type { InputValidator, KernelRuntime } from './kernel-runtime.ts';
import { type FinalOrHalted, type KernelStatus, runToEnd, statusOf, waitForCheck } from './kernel-waits.ts';
import { armLeaseTimer } from './lease-watch.ts';
import type { ModelToolCall, NextStep } from './next-step.ts';
import { requestHalt } from './preemption.ts';
import { RejectionBudget } from './record-rejection.ts';
import { type RunState, runStateSchemaVersion } from './run-state.ts';
import { screenUntrusted } from './screen-untrusted.ts';
import { TaintTracker } from './taint/taint-tracker.ts';
import { type Tool, uncontainedToolProblem } from './tool.ts';
import { validateToolInput } from './tools/validate-tool-input.ts';
import { truncateText } from './truncate-text.ts';

export interface KernelOptions {
  /** Verifies orders and holds the agent's charter: the kernel's one source of it. */
  authority: KernelAuthority;
  /** The model's standing instructions, leading the context; the authority's charter rendered by default. */
  instructions?: string;
  provider: Provider;
  tools: readonly Tool[];
  /** Checks a call's arguments against the tool's JSON Schema; `validateToolInput` by default. */
  validateInput?: InputValidator;
  store: AuditStore;
  /** Ends a tool's process group after the grace period; SIGKILL and confirm by default. */
  killProcessGroup?: ProcessGroupKiller;
  clock?: Clock;
  /** Applied to every tool result and document before the model sees it. */
  screener?: KernelScreener;
  /** Overrides the charter's `stop.grace`. */
  graceMs?: number;
  /** The most model calls a run may make before it halts with `step-limit`. */
  maxSteps?: number;
  /**
   * Awaited at each turn boundary before the model is called for a turn: orders delivered and documents
   * added here are in that turn's context. For drivers that play a world around the agent (the evals'
   * timeline); a stop delivered here halts the run before the call.
   */
  beforeTurn?: () => void | Promise<void>;
  runId?: string;
}

export interface Kernel {
  readonly runId: string;
  /** Verifies and applies one order (an envelope object or its JSON text); the decision is recorded either way. */
  deliver(input: unknown): Delivery;
  /** `deliver`, resolving once an accepted order is committed to the audit log (as well as to the state store). */
  deliverRecorded(input: unknown): Promise<Delivery>;
  /** Runs until the next step is final, a check or a halt. */
  run(options?: { signal?: AbortSignal }): Promise<NextStep>;
  /** Runs through checks (waiting for their answers) until final or halted. */
  runToEnd(options?: { signal?: AbortSignal }): Promise<FinalOrHalted>;
  /**
   * Runs one tool call that another agent loop asked for (an agent framework that heed guards) through this kernel's
   * gate: policy, a check that waits for a signed approval of the exact action, screening, audit. Needs no task order:
   * the framework's caller gives the task. One loop drives a kernel: not while `run` advances.
   */
  callTool(call: ModelToolCall, options?: { signal?: AbortSignal }): Promise<GuardedToolResult>;
  /** Aborts when the run halts (a verified stop, the lease, a failed audit write): for another agent loop's run. */
  readonly signal: AbortSignal;
  /** Resolves when a pending check is answered, expires, or the run halts. */
  waitForCheck(options?: { signal?: AbortSignal }): Promise<void>;
  /** Halts the run (reason `cancelled` unless given) and waits until it is quiescent. */
  halt(reason?: 'cancelled' | 'error', detail?: string): Promise<NextStep>;
  /**
   * Adds a document (an email, a web page, a file the user supplies) to the context before the next model
   * call: truncated, screened and marked as data. It is never an order, whatever it says.
   */
  addDocument(document: { source: string; text: string }): Promise<void>;
  /** Records that heed killed a process group of an upstream it fronts (heed proxy's MCP servers) after a stop. */
  recordUpstreamKilled(kill: AuditEventData<'upstream-killed'>): Promise<void>;
  /** A copy of the run state, valid against `runStateSchema`. */
  state(): RunState;
  status(): KernelStatus;
  onEvent(listener: (entry: AuditEntry) => void): () => void;
}

/** The composition root: wires the parts of one agent run. */
export function createKernel(options: KernelOptions): Kernel {
  // Once per process, so that the first stop this agent receives is not the first order the process verifies.
  warmEnvelopeVerification();
  const clock = options.clock ?? systemClock;
  const tools = new Map<string, Tool>();
  for (const tool of options.tools) {
    if (tools.has(tool.name)) throw new InvalidInputError(`Two tools are named '${tool.name}'.`);
    const problem = uncontainedToolProblem(tool);
    if (problem !== undefined) throw new InvalidInputError(problem);
    tools.set(tool.name, tool);
  }
  const maxSteps = options.maxSteps ?? 50;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new InvalidInputError(`maxSteps must be a positive integer, not ${maxSteps}.`);
  }
  const runId = options.runId ?? newId();
  const charter = options.authority.charter();
  const instructions = options.instructions ?? renderCharterInstructions(charter);
  let runtime: KernelRuntime | undefined;
  const recorder = createAuditRecorder({
    store: options.store,
    agent: charter.agent,
    clock,
    onFailure: (error) => {
      if (runtime) void requestHalt(runtime, 'audit-failure', `the audit log cannot be written: ${String(error)}`);
    },
  });
  runtime = {
    instructions,
    provider: options.provider,
    tools,
    validateInput: options.validateInput ?? validateToolInput,
    authority: options.authority,
    clock,
    screener: options.screener,
    graceMs: options.graceMs ?? parseDuration(charter.stop.grace),
    checkTimeoutMs: parseDuration(charter.policy.checkTimeout),
    maxSteps,
    killProcessGroup: options.killProcessGroup ?? forceKillProcessGroup,
    recorder,
    taint: new TaintTracker(),
    memoryNotes: [],
    boundary: createUntrustedMarker(),
    state: {
      schemaVersion: runStateSchemaVersion,
      runId,
      agent: charter.agent,
      modelCalls: 0,
      toolCalls: 0,
      task: null,
      next: { type: 'model-call' },
      context: [{ kind: 'instructions', text: instructions }],
    },
    renderedContext: new Map(),
    halt: null,
    halted: null,
    runController: new AbortController(),
    turnController: new AbortController(),
    inFlight: new Set(),
    pendingContext: [],
    preemptPending: false,
    awaitingSettlement: null,
    checkAnswers: new Map(),
    beforeTurn: options.beforeTurn,
    waiters: new Set(),
    timers: new Set(),
    leaseTimer: null,
    rejections: new RejectionBudget(clock.now()),
    droppedRejectionsTimer: null,
    callCounter: 0,
  };
  const kernel = runtime;
  kernel.taint.noteTrusted(instructions);
  recorder.note('run-started', {
    run: runId,
    provider: options.provider.id,
    ...(options.provider.settings && Object.keys(options.provider.settings).length > 0
      ? { settings: options.provider.settings }
      : {}),
    tools: options.tools.map((tool) => ({ name: tool.name, impact: tool.impact })),
    graceMs: kernel.graceMs,
    maxSteps,
  });
  // A lease that ran out while no agent ran halts the run at its start, unless an order renews it first: a restarted
  // agent's first orders (its task) may prove its principals present.
  if (options.authority.leaseStatus(clock.now()).status !== 'expired') armLeaseTimer(kernel);

  let advancing = false;
  async function run(runOptions: { signal?: AbortSignal } = {}): Promise<NextStep> {
    // One loop per run: a second would start calls the first does not know of.
    if (advancing) throw new HeedError('run-in-progress', 'This run is already advancing; await the first run().');
    advancing = true;
    const signal = runOptions.signal;
    const cancel = () => void requestHalt(kernel, 'cancelled', 'the caller cancelled the run');
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      const stopped = kernel.halt ? null : kernel.authority.state().stopped;
      if (stopped) {
        // A stop outlives the run and the process: only a verified resume lets the agent work again.
        const by = stopped.principals.join(', ');
        const since = new Date(stopped.at).toISOString();
        return requestHalt(
          kernel,
          'stop',
          `the agent is stopped (order ${stopped.orderId} by ${by} at ${since}); a verified resume must come first`,
        );
      }
      if (!kernel.halt && kernel.state.task === null) {
        return requestHalt(kernel, 'error', 'no verified task order: deliver a signed task before running');
      }
      return await advanceRun(kernel);
    } finally {
      advancing = false;
      signal?.removeEventListener('abort', cancel);
    }
  }

  return {
    runId,
    deliver: (input) => deliverOrder(kernel, input),
    deliverRecorded: async (input) => {
      const { delivery, committed } = deliverOrderRecorded(kernel, input);
      await committed;
      return delivery;
    },
    run,
    runToEnd: (runOptions = {}) => runToEnd(kernel, run, runOptions.signal),
    waitForCheck: (waitOptions = {}) => waitForCheck(kernel, waitOptions.signal),
    halt: (reason = 'cancelled', detail = 'halted by the caller') => requestHalt(kernel, reason, detail),
    callTool: (call, callOptions = {}) => guardToolCall(kernel, call, callOptions.signal),
    signal: kernel.runController.signal,
    recordUpstreamKilled: async (kill) => {
      await kernel.recorder.record('upstream-killed', kill);
    },
    addDocument: async ({ source, text }) => {
      const shown = truncateText(text).text;
      kernel.taint.noteUntrusted(shown, `the document '${source}'`);
      const screened = await screenUntrusted(kernel, shown, {
        provenance: 'document',
        source,
        signal: kernel.runController.signal,
      });
      kernel.pendingContext.push({ kind: 'document', source, text: screened.text, flagged: screened.flagged });
    },
    state: () => structuredClone(kernel.state),
    status: () => statusOf(kernel),
    onEvent: (listener) => recorder.onEntry(listener),
  };
}
