import type { ToolSpec } from '../providers/provider.ts';
import { executeToolCall, type ToolCallResolution, toolResult } from './execute-tool-call.ts';
import type { KernelRuntime } from './kernel-runtime.ts';
import { nextCallId, renewTurnController, turnSignal } from './kernel-runtime.ts';
import { checkLease } from './lease-watch.ts';
import type { CheckStep, HaltedStep, ModelToolCall, NextStep } from './next-step.ts';
import { predictOutcome } from './predict-outcome.ts';
import { requestHalt, settleInFlight } from './preemption.ts';
import { renderContext } from './render-context.ts';
import { requestCheck } from './request-check.ts';
import { errorText, runTrackedCall } from './tracked-call.ts';
import { truncateText } from './truncate-text.ts';

type TurnResult = 'continue' | 'interrupted';

function toolSpecs(runtime: KernelRuntime): ToolSpec[] {
  return [...runtime.tools.values()].map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
  }));
}

function afterCall(runtime: KernelRuntime, remaining: ModelToolCall[]): void {
  runtime.state.next = remaining.length > 0 ? { type: 'tool-calls', calls: remaining } : { type: 'model-call' };
}

/**
 * Verified orders join the context at turn boundaries. A new task (or a conflict that clears the task) preempts: the calls of the interrupted turn
 * that never ran are answered as superseded (the model needs an answer for each call), a pending check is
 * dropped, and the next step is a model call on the new task. An amendment waits for the next model call.
 */
function absorbPendingContext(runtime: KernelRuntime): void {
  if (runtime.pendingContext.length === 0) return;
  const state = runtime.state;
  if (runtime.preemptPending) {
    runtime.preemptPending = false;
    const next = state.next;
    const unanswered =
      next.type === 'tool-calls' ? next.calls : next.type === 'check' ? [next.call, ...next.remaining] : [];
    if (next.type === 'check') {
      runtime.recorder.note('check-answered', { action: next.action, answer: 'superseded' });
    }
    for (const call of unanswered) {
      state.context.push(
        toolResult(call, 'aborted', 'Not run: a new task order or a task conflict superseded this turn.'),
      );
    }
    if (next.type !== 'halted') state.next = { type: 'model-call' };
    if (runtime.turnController.signal.aborted) renewTurnController(runtime);
  } else if (state.next.type !== 'model-call' && state.next.type !== 'final') {
    return;
  }
  state.context.push(...runtime.pendingContext);
  runtime.pendingContext = [];
  if (state.next.type === 'final') state.next = { type: 'model-call' };
}

async function modelTurn(runtime: KernelRuntime): Promise<TurnResult> {
  if (runtime.state.modelCalls >= runtime.maxSteps) {
    void requestHalt(runtime, 'step-limit', `reached the limit of ${runtime.maxSteps} model calls`);
    return 'interrupted';
  }
  const messages = renderContext(runtime.state.context, runtime.boundary, runtime.renderedContext);
  const signal = turnSignal(runtime);
  const outcome = await runTrackedCall(runtime, {
    id: nextCallId(runtime, 'model'),
    kind: 'model',
    isolated: false,
    name: runtime.provider.id,
    signal,
    startData: { purpose: 'turn', provider: runtime.provider.id, messages: messages.length },
    start: () => {
      runtime.state.modelCalls += 1;
      return runtime.provider.step(messages, toolSpecs(runtime), { signal });
    },
    endData: (settled, aborted) =>
      settled.status === 'fulfilled'
        ? {
            outcome: 'ok',
            text: truncateText(settled.value.text, 2048).text,
            toolCalls: settled.value.toolCalls.map((call) => ({ id: call.id, name: call.name })),
            usage: settled.value.usage,
            finishReason: settled.value.finishReason,
          }
        : { outcome: aborted ? 'aborted' : 'error', error: errorText(settled.error) },
  });
  if (outcome.status === 'interrupted') return 'interrupted';
  if (outcome.status === 'rejected') {
    void requestHalt(runtime, 'error', `the model call failed: ${errorText(outcome.error)}`);
    return 'interrupted';
  }
  const result = outcome.value;
  const calls = result.toolCalls.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments }));
  runtime.state.context.push({ kind: 'assistant', text: result.text, toolCalls: calls });
  if (calls.length > 0) {
    runtime.state.next = { type: 'tool-calls', calls };
    return 'continue';
  }
  // The final answer counts only once the log holds it: a failed write halts the run instead.
  try {
    await runtime.recorder.record('run-ended', { outcome: 'final', text: truncateText(result.text, 2048).text });
  } catch {
    return 'interrupted';
  }
  if (runtime.halt) return 'interrupted';
  runtime.state.next = { type: 'final', text: result.text };
  return 'continue';
}

async function applyResolution(
  runtime: KernelRuntime,
  call: ModelToolCall,
  remaining: ModelToolCall[],
  resolution: ToolCallResolution,
): Promise<TurnResult> {
  if (resolution.type === 'interrupted') return 'interrupted';
  if (resolution.type === 'result') {
    runtime.state.context.push(resolution.entry);
    afterCall(runtime, remaining);
    return 'continue';
  }
  const prediction = await predictOutcome(runtime, call, remaining, resolution);
  if (prediction === null || runtime.halt) return 'interrupted';
  return (await requestCheck(runtime, call, resolution, prediction, remaining)) ? 'continue' : 'interrupted';
}

async function toolTurn(runtime: KernelRuntime, calls: ModelToolCall[]): Promise<TurnResult> {
  const [call, ...remaining] = calls;
  if (!call) {
    runtime.state.next = { type: 'model-call' };
    return 'continue';
  }
  return applyResolution(runtime, call, remaining, await executeToolCall(runtime, call, { approvedAction: null }));
}

/** Resolves a pending check once answered or expired; `waiting` while neither. */
async function checkTurn(runtime: KernelRuntime, check: CheckStep): Promise<TurnResult | 'waiting'> {
  const answer = runtime.checkAnswers.get(check.action);
  if (answer?.answer === 'approved') {
    runtime.checkAnswers.delete(check.action);
    const resolution = await executeToolCall(runtime, check.call, { approvedAction: check.action });
    return applyResolution(runtime, check.call, check.remaining, resolution);
  }
  if (answer?.answer === 'denied') {
    runtime.checkAnswers.delete(check.action);
    const reason = answer.reason === '' ? '' : ` Reason: ${answer.reason}`;
    runtime.state.context.push(
      toolResult(check.call, 'denied', `Not run: ${answer.signers.join(', ')} denied this action.${reason}`),
    );
    afterCall(runtime, check.remaining);
    return 'continue';
  }
  if (runtime.clock.now() >= Date.parse(check.expiresAt)) {
    runtime.recorder.note('check-answered', { action: check.action, answer: 'expired' });
    runtime.state.context.push(
      toolResult(
        check.call,
        'denied',
        'Not run: no principal answered the check before it expired; treat it as denied.',
      ),
    );
    afterCall(runtime, check.remaining);
    return 'continue';
  }
  return 'waiting';
}

/** Once halted the state's next step stays the halt, whatever a turn that was finishing wrote. */
async function haltedStep(runtime: KernelRuntime, halted: Promise<HaltedStep>): Promise<HaltedStep> {
  const step = await halted;
  runtime.state.next = step;
  return step;
}

/**
 * Runs until the next step is final, a check or a halt. Every turn boundary checks the halt flag and the
 * lease first, so nothing starts after a stop or after the lease ran out.
 */
export async function advanceRun(runtime: KernelRuntime): Promise<NextStep> {
  for (;;) {
    if (runtime.halted) return haltedStep(runtime, runtime.halted);
    checkLease(runtime);
    if (runtime.halted) return haltedStep(runtime, runtime.halted);
    absorbPendingContext(runtime);
    if (runtime.state.next.type === 'model-call' && runtime.beforeTurn) {
      // The caller's last word before the model is asked: what it delivers now is in this turn's context.
      await runtime.beforeTurn();
      if (runtime.halted) continue;
      checkLease(runtime);
      absorbPendingContext(runtime);
      if (runtime.halted) continue;
    }
    const next = runtime.state.next;
    let result: TurnResult | 'waiting';
    if (next.type === 'final' || next.type === 'halted') return next;
    if (next.type === 'check') result = await checkTurn(runtime, next);
    else if (next.type === 'model-call') result = await modelTurn(runtime);
    else result = await toolTurn(runtime, next.calls);
    if (result === 'waiting') return next;
    if (result === 'interrupted' && !runtime.halted) {
      // A new task preempted this turn: give its calls their grace, then take up the new task.
      await settleInFlight(runtime, [...runtime.inFlight]);
    }
  }
}
