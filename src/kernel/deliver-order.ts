import type { AuthorityEffect } from '../authority/authority-effect.ts';
import type { Envelope } from '../authority/envelope.ts';
import type { KernelRuntime } from './kernel-runtime.ts';
import { wake } from './kernel-runtime.ts';
import { armLeaseTimer, recordTimedChanges } from './lease-watch.ts';
import { inFlightSummary, requestHalt } from './preemption.ts';
import { recordRejection } from './record-rejection.ts';
import type { ContextEntry } from './run-state.ts';
import { errorText } from './tracked-call.ts';

export type Delivery =
  | {
      accepted: true;
      id: string;
      kind: string;
      signers: string[];
      effect: AuthorityEffect['type'];
      explanation: string;
    }
  | { accepted: false; reason: string; detail: string; id: string | null };

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
  return deliverOrderRecorded(runtime, input).delivery;
}

const nothingToWaitFor: Promise<void> = Promise.resolve();

/**
 * `deliverOrder`, with a promise that settles once an accepted order's `order-accepted` entry is committed (or the
 * audit log has failed, which halts the kernel): the control endpoint answers only then, so an order it confirmed
 * is in the log even if the process is killed the next instant.
 */
export function deliverOrderRecorded(
  runtime: KernelRuntime,
  input: unknown,
): { delivery: Delivery; committed: Promise<void> } {
  const now = (delivery: Delivery) => ({ delivery, committed: nothingToWaitFor });
  if (runtime.recorder.failed) {
    // No decision can be recorded, so none is taken: the kernel has already halted.
    return now({ accepted: false, reason: 'audit-unavailable', detail: 'the audit log cannot be written', id: null });
  }
  let decision: ReturnType<KernelRuntime['authority']['receive']>;
  try {
    decision = runtime.authority.receive(input);
  } catch (error) {
    // The authority throws only when its state store cannot be written: the order changed nothing, and an agent
    // whose revocations and stops cannot be kept must not go on working (fail closed, like the audit log).
    const detail = `the state store cannot be written: ${errorText(error)}`;
    recordRejection(runtime, input, { id: null, reason: 'error', detail });
    void requestHalt(runtime, 'error', detail);
    return now({ accepted: false, reason: 'error', detail, id: null });
  }
  // Time's changes came before this order: a succession that completed decides who may sign it.
  recordTimedChanges(runtime);
  const verification = decision.verification;
  if (!verification.accepted) {
    recordRejection(runtime, input, {
      id: verification.id ?? null,
      reason: verification.reason,
      detail: verification.detail,
    });
    return now({
      accepted: false,
      reason: verification.reason,
      detail: verification.detail,
      id: verification.id ?? null,
    });
  }
  const { envelope, signers } = verification;
  const effect = decision.effect ?? { type: 'none' };
  if (envelope.kind === 'stop') {
    void requestHalt(runtime, 'stop', `stop order ${envelope.id} signed by ${signers.join(', ')}`);
  }
  // The whole signed envelope: an auditor can re-verify who ordered what from the log alone.
  const committed = runtime.recorder
    .record(
      'order-accepted',
      {
        id: envelope.id,
        kind: envelope.kind,
        signers,
        effect: effect.type,
        explanation: decision.explanation,
        envelope,
      },
      true,
    )
    .then(
      () => undefined,
      () => undefined,
    );
  applyOrder(runtime, envelope, signers, effect);
  armLeaseTimer(runtime);
  wake(runtime);
  const delivery: Delivery = {
    accepted: true,
    id: envelope.id,
    kind: envelope.kind,
    signers,
    effect: effect.type,
    explanation: decision.explanation,
  };
  return { delivery, committed };
}

function orderEntry(id: string, orderKind: 'task' | 'amend', signers: string[], text: string): ContextEntry {
  return { kind: 'order', orderId: id, orderKind, signers, text };
}

/** Applies what the authority decided the order changed; a halted run takes no new work. */
function applyOrder(runtime: KernelRuntime, envelope: Envelope, signers: string[], effect: AuthorityEffect): void {
  if (envelope.kind === 'stop') {
    runtime.recorder.note('stop-started', { order: envelope.id, inFlight: inFlightSummary(runtime) });
    return;
  }
  switch (effect.type) {
    case 'task':
      if (runtime.halt) return;
      runtime.awaitingSettlement = null;
      runtime.preemptPending = true;
      runtime.state.task = { orderId: envelope.id, text: effect.task.text };
      runtime.taint.noteTrusted(effect.task.text);
      runtime.pendingContext.push(orderEntry(envelope.id, 'task', signers, effect.task.text));
      runtime.recorder.note('task-started', { order: envelope.id, signers, inFlight: inFlightSummary(runtime) });
      // Preemption policy for a new task: the current turn's calls are aborted (each gets the grace period);
      // the model's next turn starts on the new task.
      runtime.turnController.abort(new Error(`preempted by task order ${envelope.id}`));
      return;
    case 'conflict': {
      // Rule `ask`: the authority holds both tasks and clears the current one until a principal settles it.
      // Work on the cleared task stops like a preempted turn; the model is told, and no tool call starts.
      const orders = effect.tasks.map((task) => task.orderId);
      runtime.recorder.note('task-conflict', {
        order: envelope.id,
        tasks: effect.tasks.map((task) => ({ order: task.orderId, principals: task.principals })),
        inFlight: inFlightSummary(runtime),
      });
      if (runtime.halt) return;
      runtime.awaitingSettlement = { orders };
      runtime.state.task = null;
      runtime.preemptPending = true;
      runtime.pendingContext.push({
        kind: 'notice',
        text: `Your principals gave conflicting tasks (orders ${orders.join(', ')}), and your charter says to ask. Do not work on either task until they settle it with a new task order; tool calls are refused meanwhile. Reply briefly, asking them to settle it.`,
      });
      runtime.turnController.abort(new Error(`preempted by a task conflict (order ${envelope.id})`));
      return;
    }
    case 'amend':
      if (runtime.halt) return;
      // An amendment does not abort work in flight: it joins the context before the next model call.
      runtime.taint.noteTrusted(bodyText(envelope.body, 'text'));
      runtime.pendingContext.push(orderEntry(envelope.id, 'amend', signers, bodyText(envelope.body, 'text')));
      return;
    case 'approve':
    case 'deny': {
      // An answer counts only for the check pending when it arrives and only if it names that exact action.
      const next = runtime.state.next;
      if (runtime.halt || next.type !== 'check' || next.action !== effect.action) return;
      const answer = effect.type === 'approve' ? 'approved' : 'denied';
      const reason = bodyText(envelope.body, effect.type === 'approve' ? 'note' : 'reason');
      runtime.checkAnswers.set(effect.action, { action: effect.action, answer, order: envelope.id, signers, reason });
      runtime.recorder.note('check-answered', { action: effect.action, answer, order: envelope.id, signers });
      return;
    }
    case 'lease-renewed':
      runtime.recorder.note('lease-renewed', {
        order: envelope.id,
        expiresAt: new Date(effect.expiresAt).toISOString(),
      });
      return;
    default:
      // resume, revoke, rotate, charter changes and succession change the authority's own state, which every
      // decision reads (a new charter's policy applies from the next decision on); a halted run stays halted
      // (an agent that resumes starts a new run).
      return;
  }
}
