import type { KernelRuntime } from './kernel-runtime.ts';
import { wake } from './kernel-runtime.ts';
import { armLeaseTimer } from './lease-watch.ts';
import { inFlightSummary, requestHalt } from './preemption.ts';
import { errorText } from './tracked-call.ts';

export type Delivery =
  | { accepted: true; id: string; kind: string; signers: string[]; effect: string | null; explanation: string }
  | { accepted: false; reason: string; detail: string; id: string | null };

/** The effect's name, whatever the authority calls the field. */
function effectName(effect: unknown): string | null {
  if (typeof effect === 'string') return effect;
  if (typeof effect === 'object' && effect !== null) {
    const record = effect as Record<string, unknown>;
    for (const field of ['kind', 'type']) {
      if (typeof record[field] === 'string') return record[field];
    }
  }
  return null;
}

function bodyText(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  return typeof value === 'string' ? value : '';
}

/**
 * One order from outside (the CLI, the control endpoint, a test): verified by the authority, recorded
 * whatever the outcome, and applied only when accepted (invariant 1). A stop cuts the run off before
 * anything else happens, in the same synchronous section as its verification.
 */
export function deliverOrder(runtime: KernelRuntime, input: unknown): Delivery {
  if (runtime.recorder.failed) {
    // No decision can be recorded, so none is taken: the kernel has already halted.
    return { accepted: false, reason: 'audit-unavailable', detail: 'the audit log cannot be written', id: null };
  }
  let decision: ReturnType<KernelRuntime['authority']['receive']>;
  try {
    decision = runtime.authority.receive(input);
  } catch (error) {
    runtime.recorder.note('order-rejected', { id: null, reason: 'error', detail: errorText(error) });
    return { accepted: false, reason: 'error', detail: errorText(error), id: null };
  }
  const verification = decision.verification;
  if (!verification.accepted) {
    runtime.recorder.note('order-rejected', {
      id: verification.id ?? null,
      reason: verification.reason,
      detail: verification.detail,
    });
    return { accepted: false, reason: verification.reason, detail: verification.detail, id: verification.id ?? null };
  }
  const { envelope, signers } = verification;
  const effect = effectName(decision.effect);
  if (envelope.kind === 'stop') {
    void requestHalt(runtime, 'stop', `stop order ${envelope.id} signed by ${signers.join(', ')}`);
  }
  runtime.recorder.note('order-accepted', {
    id: envelope.id,
    kind: envelope.kind,
    signers,
    effect,
    explanation: decision.explanation,
  });
  applyOrder(runtime, envelope, signers, effect);
  armLeaseTimer(runtime);
  wake(runtime);
  return { accepted: true, id: envelope.id, kind: envelope.kind, signers, effect, explanation: decision.explanation };
}

function applyOrder(
  runtime: KernelRuntime,
  envelope: { id: string; kind: string; body: Record<string, unknown> },
  signers: string[],
  effect: string | null,
): void {
  const next = runtime.state.next;
  switch (envelope.kind) {
    case 'stop':
      runtime.recorder.note('stop-started', { order: envelope.id, inFlight: inFlightSummary(runtime) });
      return;
    case 'task':
      if (effect === 'conflict') {
        runtime.recorder.note('task-conflict', { order: envelope.id, signers, current: runtime.state.task?.orderId });
        return;
      }
      if (runtime.halt || effect === 'ignored') return;
      runtime.state.task = { orderId: envelope.id, text: bodyText(envelope.body, 'text') };
      runtime.pendingOrders.push({
        kind: 'order',
        orderId: envelope.id,
        orderKind: 'task',
        signers,
        text: bodyText(envelope.body, 'text'),
      });
      runtime.recorder.note('task-started', { order: envelope.id, signers, inFlight: inFlightSummary(runtime) });
      // Preemption policy for a new task: the current turn's calls are aborted (with the grace period); the
      // model's next turn starts on the new task.
      runtime.turnController.abort(new Error(`preempted by task order ${envelope.id}`));
      return;
    case 'amend':
      if (runtime.halt) return;
      // An amendment does not abort work in flight: it joins the context before the next model call.
      runtime.pendingOrders.push({
        kind: 'order',
        orderId: envelope.id,
        orderKind: 'amend',
        signers,
        text: bodyText(envelope.body, 'text'),
      });
      return;
    case 'approve':
    case 'deny': {
      // An answer counts only for the check pending when it arrives and only if it names that exact action.
      const action = bodyText(envelope.body, 'action');
      if (next.type !== 'check' || next.action !== action || runtime.halt) return;
      const answer = envelope.kind === 'approve' ? 'approved' : 'denied';
      const reason = bodyText(envelope.body, envelope.kind === 'approve' ? 'note' : 'reason');
      runtime.checkAnswers.set(action, { action, answer, order: envelope.id, signers, reason });
      runtime.recorder.note('check-answered', { action, answer, order: envelope.id, signers });
      return;
    }
    case 'lease': {
      const lease = runtime.authority.leaseStatus(runtime.clock.now());
      runtime.recorder.note('lease-renewed', {
        order: envelope.id,
        expiresAt: lease.status === 'fresh' ? new Date(lease.expiresAt).toISOString() : null,
      });
      return;
    }
    default:
      // resume, charter, revoke, rotate and succession orders change the authority's state, which the
      // authority holds; a halted run stays halted (a resumed agent is a new run).
      return;
  }
}
