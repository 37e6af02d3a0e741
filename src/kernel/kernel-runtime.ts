import type { Clock } from '../core/clock.ts';
import type { ChatMessage, Provider } from '../providers/provider.ts';
import type { AuditRecorder } from './audit-recorder.ts';
import type { KernelAuthority, KernelScreener, ProcessGroupKiller } from './kernel-ports.ts';
import type { HaltedStep, HaltReason } from './next-step.ts';
import type { RejectionBudget } from './record-rejection.ts';
import type { ContextEntry, RunState } from './run-state.ts';
import type { TaintTracker } from './taint/taint-tracker.ts';
import type { Tool } from './tool.ts';

/** The shape of `validateToolInput`: the valid input comes back with schema defaults filled in. */
export type InputValidation = { valid: true; input: Record<string, unknown> } | { valid: false; message: string };
export type InputValidator = (tool: Tool, input: unknown) => InputValidation;

/** A model or tool call that has started and not yet been settled or abandoned. */
export interface InFlightCall {
  id: string;
  kind: 'model' | 'tool';
  name: string;
  /** Resolves (never rejects) when the call's own promise settles, however late. */
  settled: Promise<void>;
  isSettled: boolean;
  /** Set when the kernel stopped waiting for it after the grace period; its late result is discarded. */
  abandoned: boolean;
  /** A tool call in a worker or process of its own: ending that settles it, so it is never abandoned. */
  isolated: boolean;
  processGroups: number[];
}

export interface CheckAnswer {
  action: string;
  answer: 'approved' | 'denied';
  order: string;
  signers: string[];
  reason: string;
}

/** The mutable state of one kernel: shared by the loop, the order path and the halt path. */
export interface KernelRuntime {
  instructions: string;
  provider: Provider;
  tools: ReadonlyMap<string, Tool>;
  validateInput: InputValidator;
  authority: KernelAuthority;
  clock: Clock;
  screener: KernelScreener | undefined;
  graceMs: number;
  checkTimeoutMs: number;
  maxSteps: number;
  killProcessGroup: ProcessGroupKiller;
  recorder: AuditRecorder;
  /** Where the run's content came from: tainted sources and untrusted values. */
  taint: TaintTracker;
  /** The memory notes this run wrote, oldest first: a new note is judged with them (a slow drift adds up). */
  memoryNotes: string[];
  /** The run's random data marker: content cannot forge the end of a data block without it. */
  boundary: string;
  state: RunState;
  /** Each context entry's rendered message, made once per run (entries never change once added). */
  renderedContext: Map<ContextEntry, ChatMessage>;
  /** Set synchronously the instant a halt is decided; every start checks it first. */
  halt: { reason: HaltReason; detail: string } | null;
  halted: Promise<HaltedStep> | null;
  /** Aborted on halt: reaches every model and tool call of the run. */
  runController: AbortController;
  /** Aborted when a new task preempts the current turn, and on halt (with runController). */
  turnController: AbortController;
  inFlight: Set<InFlightCall>;
  /** Verified orders and documents that join the context at the next turn boundary. */
  pendingContext: ContextEntry[];
  /** Set when a new task, or a conflict that clears the current one, must cut the current turn short. */
  preemptPending: boolean;
  /**
   * Set while principals' conflicting tasks wait to be settled (conflict rule `ask`): the current task is
   * cleared, so no tool call starts; the model may still answer, e.g. to ask them to settle it.
   */
  awaitingSettlement: { orders: string[] } | null;
  checkAnswers: Map<string, CheckAnswer>;
  /** Awaited before every model turn (not outcome predictions): see `KernelOptions.beforeTurn`. */
  beforeTurn: (() => void | Promise<void>) | undefined;
  /** Wakes whoever waits for an order, a lease change or a halt. */
  waiters: Set<() => void>;
  timers: Set<NodeJS.Timeout>;
  leaseTimer: NodeJS.Timeout | null;
  /** Bounds how many rejected orders per second reach the audit log (a flood must not fill the disk). */
  rejections: RejectionBudget;
  /** Writes the count of rejections past the budget once the flood ebbs. */
  droppedRejectionsTimer: NodeJS.Timeout | null;
  callCounter: number;
}

export function wake(runtime: KernelRuntime): void {
  for (const waiter of [...runtime.waiters]) waiter();
}

/**
 * Aborts on a halt or when the current turn is preempted: one per turn, shared by the turn's calls. A halt
 * aborts the turn's controller along with the run's (requestHalt), so this needs no combined signal, whose
 * weak references would keep every finished turn alive while the loop runs on microtasks alone.
 */
export function turnSignal(runtime: KernelRuntime): AbortSignal {
  return runtime.turnController.signal;
}

/** Starts a new turn after a preemption; a run that has halted gets an already aborted one. */
export function renewTurnController(runtime: KernelRuntime): void {
  runtime.turnController = new AbortController();
  if (runtime.runController.signal.aborted) runtime.turnController.abort(runtime.runController.signal.reason);
}

export function nextCallId(runtime: KernelRuntime, prefix: 'model' | 'tool'): string {
  runtime.callCounter += 1;
  return `${prefix}-${runtime.callCounter}`;
}
