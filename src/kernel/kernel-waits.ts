import type { KernelRuntime } from './kernel-runtime.ts';
import { checkLease } from './lease-watch.ts';
import type { HaltedStep, NextStep } from './next-step.ts';
import { requestHalt } from './preemption.ts';

export type FinalOrHalted = Extract<NextStep, { type: 'final' | 'halted' }>;

export interface KernelStatus {
  runId: string;
  agent: string;
  next: NextStep['type'];
  halt: { reason: HaltedStep['reason']; detail: string } | null;
  task: string | null;
  modelCalls: number;
  toolCalls: number;
  inFlight: Array<{ call: string; kind: string; name: string }>;
  pendingCheck: { action: string; tool: string; expiresAt: string } | null;
  lease: { status: string; at: string | null };
}

export function statusOf(runtime: KernelRuntime): KernelStatus {
  const next = runtime.state.next;
  const lease = runtime.authority.leaseStatus(runtime.clock.now());
  return {
    runId: runtime.state.runId,
    agent: runtime.state.agent,
    next: next.type,
    halt: runtime.halt,
    task: runtime.state.task?.orderId ?? null,
    modelCalls: runtime.state.modelCalls,
    toolCalls: runtime.state.toolCalls,
    inFlight: [...runtime.inFlight].map((call) => ({ call: call.id, kind: call.kind, name: call.name })),
    pendingCheck: next.type === 'check' ? { action: next.action, tool: next.tool, expiresAt: next.expiresAt } : null,
    lease: {
      status: lease.status,
      at:
        lease.status === 'fresh'
          ? new Date(lease.expiresAt).toISOString()
          : lease.status === 'expired'
            ? new Date(lease.since).toISOString()
            : null,
    },
  };
}

/**
 * Waits while a check is pending: until an answer, the check's expiry, a halt (a stop applies while
 * waiting too), the lease running out, or the caller's signal.
 */
export async function waitForCheck(runtime: KernelRuntime, signal: AbortSignal | undefined): Promise<void> {
  for (;;) {
    const next = runtime.state.next;
    if (runtime.halt || next.type !== 'check' || signal?.aborted) return;
    if (runtime.checkAnswers.has(next.action)) return;
    const remaining = Date.parse(next.expiresAt) - runtime.clock.now();
    if (remaining <= 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        runtime.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(remaining + 1, 2_147_000_000));
      runtime.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
    checkLease(runtime);
  }
}

export async function runToEnd(
  runtime: KernelRuntime,
  run: (options: { signal?: AbortSignal }) => Promise<NextStep>,
  signal: AbortSignal | undefined,
): Promise<FinalOrHalted> {
  for (;;) {
    const step = await run(signal ? { signal } : {});
    if (step.type === 'final' || step.type === 'halted') return step;
    if (step.type === 'check') await waitForCheck(runtime, signal);
    if (signal?.aborted) return requestHalt(runtime, 'cancelled', 'the caller cancelled the run');
  }
}
