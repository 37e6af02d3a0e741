import type { AuditEventData } from '../audit/audit-event.ts';
import type { InFlightCall, KernelRuntime } from './kernel-runtime.ts';
import { settledOrAborted } from './preemption.ts';

export type Settled<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; error: unknown };
export type TrackedOutcome<T> = Settled<T> | { status: 'interrupted' };

/** What a start or end event records beside the call's id. */
type CallData<Type extends 'model-call-start' | 'model-call-end' | 'tool-call-start' | 'tool-call-end'> =
  AuditEventData<Type> extends infer Data ? (Data extends unknown ? Omit<Data, 'call'> : never) : never;

interface TrackedCallBase<T> {
  id: string;
  name: string;
  signal: AbortSignal;
  /** Runs in a worker or process of its own that a stop ends (see `InFlightCall.isolated`). */
  isolated: boolean;
  start: (call: InFlightCall) => Promise<T>;
}

export type TrackedCall<T> = TrackedCallBase<T> &
  (
    | {
        kind: 'model';
        startData: CallData<'model-call-start'>;
        /** What the end event records about a call that settled by itself. */
        endData: (settled: Settled<T>, aborted: boolean) => CallData<'model-call-end'>;
      }
    | {
        kind: 'tool';
        startData: CallData<'tool-call-start'>;
        endData: (settled: Settled<T>, aborted: boolean) => CallData<'tool-call-end'>;
      }
  );

/** True when nothing may start: a halt was decided, the audit log failed, or the signal aborted. */
export function mayStart(runtime: KernelRuntime, signal: AbortSignal): boolean {
  return runtime.halt === null && !runtime.recorder.failed && !signal.aborted;
}

/**
 * Starts one model or tool call under the kernel's rules: the start is written ahead to the audit log and
 * the call begins only if, once that write is committed, nothing has stopped the run in the meantime (the
 * check and the start share one synchronous section). Waiting ends at once when the signal aborts; the call
 * itself stays tracked as in flight until it settles or the halt path abandons it.
 */
export async function runTrackedCall<T>(runtime: KernelRuntime, spec: TrackedCall<T>): Promise<TrackedOutcome<T>> {
  if (!mayStart(runtime, spec.signal)) return { status: 'interrupted' };
  const { recorder } = runtime;
  const endType = spec.kind === 'model' ? 'model-call-end' : 'tool-call-end';
  try {
    await (spec.kind === 'model'
      ? recorder.record('model-call-start', { call: spec.id, ...spec.startData })
      : recorder.record('tool-call-start', { call: spec.id, ...spec.startData }));
  } catch {
    return { status: 'interrupted' };
  }
  if (!mayStart(runtime, spec.signal)) {
    runtime.recorder.note(endType, { call: spec.id, name: spec.name, outcome: 'not-started' });
    return { status: 'interrupted' };
  }
  let markSettled = (): void => undefined;
  const call: InFlightCall = {
    id: spec.id,
    kind: spec.kind,
    name: spec.name,
    settled: new Promise<void>((resolve) => {
      markSettled = resolve;
    }),
    isSettled: false,
    abandoned: false,
    isolated: spec.isolated,
    processGroups: [],
  };
  runtime.inFlight.add(call);
  let started: Promise<T>;
  try {
    started = spec.start(call);
  } catch (error) {
    started = Promise.reject(error);
  }
  const running: Promise<Settled<T>> = started.then(
    (value) => ({ status: 'fulfilled', value }),
    (error: unknown) => ({ status: 'rejected', error }),
  );
  void running.then((settled) => {
    call.isSettled = true;
    markSettled();
    if (call.abandoned) return;
    runtime.inFlight.delete(call);
    const aborted = spec.signal.aborted;
    if (spec.kind === 'model') recorder.note('model-call-end', { call: spec.id, ...spec.endData(settled, aborted) });
    else recorder.note('tool-call-end', { call: spec.id, ...spec.endData(settled, aborted) });
  });
  await settledOrAborted(running, spec.signal);
  if (spec.signal.aborted) return { status: 'interrupted' };
  return running;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
