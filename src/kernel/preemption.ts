import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessGroupKill } from './kernel-ports.ts';
import type { InFlightCall, KernelRuntime } from './kernel-runtime.ts';
import { wake } from './kernel-runtime.ts';
import type { HaltedStep, HaltReason } from './next-step.ts';
import { killProcessGroup } from './process/kill-process-group.ts';
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
  if (runtime.halted) return runtime.halted;
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

/**
 * The policy for work in flight at preemption: every call in flight has been signalled to abort; each gets
 * up to the charter's `stop.grace` to end. One still running after that is abandoned (its result never
 * reaches the model) and every process group it registered is killed.
 */
export async function settleInFlight(runtime: KernelRuntime, calls: readonly InFlightCall[]): Promise<Quiescence> {
  const pending = calls.filter((call) => !call.isSettled);
  // Subprocesses get the same grace as their tools: SIGTERM now, SIGKILL when the grace is over.
  for (const pgid of new Set(pending.flatMap((call) => call.processGroups))) terminateProcessGroup(pgid);
  if (pending.length > 0) {
    const timer = new AbortController();
    await Promise.race([
      Promise.all(pending.map((call) => call.settled)),
      delay(runtime.graceMs, undefined, { signal: timer.signal, ref: false }).catch(() => undefined),
    ]);
    timer.abort();
  }
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
  const groups = [...new Set(calls.flatMap((call) => call.processGroups))];
  const kills = await Promise.all(groups.map((pgid) => runtime.killProcessGroup(pgid)));
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
  if (!runtime.recorder.failed) {
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
  wake(runtime);
  return step;
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
