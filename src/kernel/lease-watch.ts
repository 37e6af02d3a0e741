import type { KernelRuntime } from './kernel-runtime.ts';
import { requestHalt } from './preemption.ts';

/**
 * Writes what time alone changed in the authority (a succession's time-lock ending) to the audit log, and
 * takes a changed roster into the run.
 */
export function recordTimedChanges(runtime: KernelRuntime): void {
  for (const change of runtime.authority.takeTimedChanges()) {
    const { effect, explanation } = change;
    if (effect.type === 'succession-completed') {
      runtime.recorder.note('succession-completed', {
        claim: effect.claim,
        successor: effect.successor,
        for: effect.for,
        explanation,
      });
    } else {
      runtime.recorder.note('succession-lapsed', { explanation });
    }
  }
}

/** Halts the run when the authority lease has expired (the principal is missing). */
export function checkLease(runtime: KernelRuntime): void {
  if (runtime.halt) return;
  const lease = runtime.authority.leaseStatus(runtime.clock.now());
  recordTimedChanges(runtime);
  if (lease.status !== 'expired') return;
  const detail = `the authority lease expired at ${new Date(lease.since).toISOString()}`;
  void requestHalt(runtime, 'lease-expired', detail);
  runtime.recorder.note('lease-expired', { since: new Date(lease.since).toISOString() });
}

/**
 * Arms one timer for the lease's expiry, so the agent halts on time even while it waits on a model, a tool
 * or a check. Re-armed whenever an order may have renewed the lease.
 */
export function armLeaseTimer(runtime: KernelRuntime): void {
  if (runtime.leaseTimer) {
    clearTimeout(runtime.leaseTimer);
    runtime.timers.delete(runtime.leaseTimer);
    runtime.leaseTimer = null;
  }
  if (runtime.halt) return;
  const lease = runtime.authority.leaseStatus(runtime.clock.now());
  if (lease.status === 'off') return;
  if (lease.status === 'expired') {
    checkLease(runtime);
    return;
  }
  // A clock other than the system clock may run at another pace; re-check at the expiry and re-arm.
  const wait = Math.max(5, Math.min(lease.expiresAt - runtime.clock.now() + 1, 2_147_000_000));
  const timer = setTimeout(() => {
    runtime.timers.delete(timer);
    runtime.leaseTimer = null;
    checkLease(runtime);
    if (!runtime.halt) armLeaseTimer(runtime);
  }, wait);
  timer.unref();
  runtime.leaseTimer = timer;
  runtime.timers.add(timer);
}
