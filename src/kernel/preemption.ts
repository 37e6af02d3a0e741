import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessGroupKill } from './kernel-ports.ts';
import type { InFlightCall, KernelRuntime } from './kernel-runtime.ts';
import { wake } from './kernel-runtime.ts';
import type { HaltedStep, HaltReason } from './next-step.ts';
import { isProcessGroupAlive, killProcessGroup, watchProcessGroup } from './process/kill-process-group.ts';
import { recordDroppedRejections } from './record-rejection.ts';

export class HaltSignal extends Error {
  constructor(reason: HaltReason) {
    super(`heed kernel halted: ${reason}`);
    this.name = 'AbortError';
  }
}

/**
 * Decides a halt. Everything that must not happen afterwards is cut off here, synchronously: the flag that
 * every start checks is set and the run's signal is aborted before any other code runs. The rest (waiting
 * for in-flight calls, killing process groups, the `halt` event) follows in `finishHalt`.
 */
export function requestHalt(runtime: KernelRuntime, reason: HaltReason, detail: string): Promise<HaltedStep> {
  if (runtime.halted) {
    // A run halts once, but every verified stop is answered by a `halt` of its own (one that comes after a resume
    // stops the agent again): recorded once the run is quiescent, it is the commit the stop's order waits for.
    if (reason === 'stop') runtime.halted = runtime.halted.then((step) => recordRepeatedStop(runtime, step, detail));
    return runtime.halted;
  }
  runtime.halt = { reason, detail };
  const haltSignal = new HaltSignal(reason);
  runtime.runController.abort(haltSignal);
  runtime.turnController.abort(haltSignal);
  runtime.halted = finishHalt(runtime);
  wake(runtime);
  return runtime.halted;
}

export function inFlightSummary(runtime: KernelRuntime): Array<Pick<InFlightCall, 'kind' | 'name'> & { call: string }> {
  return [...runtime.inFlight].map((call) => ({ call: call.id, kind: call.kind, name: call.name }));
}

export interface Quiescence {
  /** Calls that ended by themselves after the abort (they honoured their signal). */
  aborted: string[];
  /** Calls still running when the grace period ran out: their results are discarded. */
  abandoned: string[];
  /** Process groups that were still alive after the grace period and were killed. */
  killed: ProcessGroupKill[];
}

function terminateProcessGroup(pgid: number): void {
  try {
    killProcessGroup(pgid, 'SIGTERM');
  } catch {
    // Not ours to signal (EPERM) or not a group: the SIGKILL after the grace reports what is left.
  }
}

const groupPollMilliseconds = 2;
/** How long an isolated call ended at the grace deadline may take to confirm its worker or process is gone. */
const isolatedConfirmMilliseconds = 1000;

/**
 * Resolves once no process of any of `groups` is left running, or when `signal` aborts. Each group found gone is
 * added to `gone`.
 */
async function groupsGone(groups: readonly number[], signal: AbortSignal, gone: Set<number>): Promise<void> {
  let watched = groups.map((pgid) => ({ pgid, isAlive: watchProcessGroup(pgid) }));
  const ask = () => {
    watched = watched.filter(({ pgid, isAlive }) => {
      if (isAlive()) return true;
      gone.add(pgid);
      return false;
    });
  };
  ask();
  while (watched.length > 0 && !signal.aborted) {
    await delay(groupPollMilliseconds, undefined, { ref: false });
    // Asked after the event loop has taken in pending child exits: a leader that is heed's own child and has just
    // died is reaped by then, and its group found gone by a signal probe. Asked first, it is still a zombie holding
    // the group, and only a scan of all of /proc (2 ms here) can tell whether anyone else is in it.
    await new Promise((resolve) => setImmediate(resolve));
    ask();
  }
}

/** Waits for `work`, or until `milliseconds` pass; leaves no timer behind. */
async function waitAtMost(work: Promise<unknown>, milliseconds: number, stop?: AbortController): Promise<void> {
  const timer = new AbortController();
  await Promise.race([
    work,
    delay(milliseconds, undefined, { signal: timer.signal, ref: false }).catch(() => undefined),
  ]);
  timer.abort();
  stop?.abort();
}

/**
 * The policy for work in flight at preemption: every call in flight has been signalled to abort, and every
 * process group its tools registered gets SIGTERM. Settling ends as soon as every call has ended and every such
 * group is gone, and at the latest when the charter's `stop.grace` runs out. Then, in this order: SIGKILL for
 * the groups still alive (only those); isolated calls, which their worker or process being ended settles, are
 * waited for; any other call still running is abandoned (its result never reaches the model).
 */
export async function settleInFlight(runtime: KernelRuntime, calls: readonly InFlightCall[]): Promise<Quiescence> {
  const pending = calls.filter((call) => !call.isSettled);
  const groups = [...new Set(calls.flatMap((call) => call.processGroups))];
  for (const pgid of groups) terminateProcessGroup(pgid);
  const gone = new Set<number>();
  if (pending.length > 0 || groups.length > 0) {
    const polling = new AbortController();
    await waitAtMost(
      Promise.all([...pending.map((call) => call.settled), groupsGone(groups, polling.signal, gone)]),
      runtime.graceMs,
      polling,
    );
  }
  // Groups registered during the grace (a tool that started a process as it was being stopped) count too. A group
  // already found gone is not asked again: while its dead leader waits to be reaped, asking reads all of /proc once
  // more, which took 2–4 ms here.
  const registered = [...new Set(calls.flatMap((call) => call.processGroups))];
  const alive = registered.filter((pgid) => !gone.has(pgid) && isProcessGroupAlive(pgid));
  const kills = await Promise.all(alive.map((pgid) => runtime.killProcessGroup(pgid)));
  const ending = calls.filter((call) => call.isolated && !call.isSettled);
  if (ending.length > 0) await waitAtMost(Promise.all(ending.map((call) => call.settled)), isolatedConfirmMilliseconds);
  const abandoned = calls.filter((call) => !call.isSettled);
  for (const call of abandoned) {
    call.abandoned = true;
    runtime.inFlight.delete(call);
    runtime.recorder.note(call.kind === 'model' ? 'model-call-end' : 'tool-call-end', {
      call: call.id,
      name: call.name,
      outcome: 'abandoned',
      graceMs: runtime.graceMs,
    });
  }
  return {
    aborted: calls.filter((call) => !call.abandoned).map((call) => call.id),
    abandoned: abandoned.map((call) => call.id),
    killed: kills.filter((kill) => kill.wasRunning),
  };
}

async function finishHalt(runtime: KernelRuntime): Promise<HaltedStep> {
  // Let the caller that decided the halt record why (order-accepted, stop-started) before anything else.
  await Promise.resolve();
  const halt = runtime.halt ?? { reason: 'error' as const, detail: 'halt without a reason' };
  const quiescence = await settleInFlight(runtime, [...runtime.inFlight]);
  for (const timer of runtime.timers) clearTimeout(timer);
  runtime.timers.clear();
  runtime.droppedRejectionsTimer = null;
  recordDroppedRejections(runtime);
  const step: HaltedStep = { type: 'halted', reason: halt.reason, detail: halt.detail };
  runtime.state.next = step;
  await recordHalt(runtime, step, quiescence);
  wake(runtime);
  return step;
}

/** A stop that reaches a run already halted: nothing is left in flight, and the run's own halt step stands. */
async function recordRepeatedStop(runtime: KernelRuntime, step: HaltedStep, detail: string): Promise<HaltedStep> {
  await recordHalt(runtime, { type: 'halted', reason: 'stop', detail }, { aborted: [], abandoned: [], killed: [] });
  wake(runtime);
  return step;
}

async function recordHalt(runtime: KernelRuntime, halt: HaltedStep, quiescence: Quiescence): Promise<void> {
  if (runtime.recorder.failed) return;
  await runtime.recorder
    .record('halt', {
      reason: halt.reason,
      detail: halt.detail,
      aborted: quiescence.aborted,
      abandoned: quiescence.abandoned,
      killedProcessGroups: quiescence.killed.map((kill) => ({ pgid: kill.pgid, gone: kill.gone })),
      modelCalls: runtime.state.modelCalls,
      toolCalls: runtime.state.toolCalls,
    })
    .catch(() => undefined);
}

/**
 * Waits for `work` to settle or `signal` to abort, whichever comes first; never rejects. The abort listener is
 * removed once either happens, so the many calls that share one turn's signal leave nothing on it.
 */
export async function settledOrAborted(work: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let onAbort = (): void => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
  });
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([work.then(noop, noop), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function noop(): void {}
