import { executeToolCall, type ToolCallResolution, toolResult } from './execute-tool-call.ts';
import type { KernelRuntime } from './kernel-runtime.ts';
import { waitForCheck } from './kernel-waits.ts';
import { checkLease } from './lease-watch.ts';
import type { ModelToolCall } from './next-step.ts';
import { predictOutcome } from './predict-outcome.ts';
import { requestHalt } from './preemption.ts';
import { requestCheck } from './request-check.ts';
import type { ContextEntry } from './run-state.ts';

type ToolResultEntry = Extract<ContextEntry, { kind: 'tool-result' }>;

/** What a tool call that another agent loop asked for came to: the text its model should see, and how it ended. */
export interface GuardedToolResult {
  /** `ok`: the tool ran; `halted`: the agent is halted (stopped, lease out, audit failed) and nothing ran. */
  outcome: ToolResultEntry['outcome'] | 'halted';
  text: string;
  /** Screening flagged the result: `text` is withheld or carries a warning, as the charter says. */
  flagged: boolean;
}

// One check at a time per kernel: an approve order answers the check pending when it arrives, so concurrent calls
// of a framework that runs tools in parallel queue their checks here.
const checkQueues = new WeakMap<KernelRuntime, Promise<unknown>>();

/**
 * Runs one tool call that another agent loop (an agent framework's) asked for, under the kernel's own rules: the
 * same gate as the kernel's loop (validation, policy, DWIMAC, the run's signal, screening, audit). A `check` waits
 * here for a signed approve or deny naming this exact action (or its expiry, a halt, or `signal`), and only then
 * runs or refuses. Nothing starts once the agent is halted or its charter's principals have stopped it.
 */
export async function guardToolCall(
  runtime: KernelRuntime,
  call: ModelToolCall,
  signal?: AbortSignal,
): Promise<GuardedToolResult> {
  if (haltIfStopped(runtime)) return halted(runtime);
  const resolution = await executeToolCall(runtime, call, { approvedAction: null });
  if (resolution.type === 'check') {
    const previous = checkQueues.get(runtime) ?? Promise.resolve();
    const answered = previous.then(() => answerCheck(runtime, call, resolution, signal));
    checkQueues.set(
      runtime,
      answered.catch(() => undefined),
    );
    return answered;
  }
  return settled(runtime, resolution);
}

function haltIfStopped(runtime: KernelRuntime): boolean {
  checkLease(runtime);
  const stopped = runtime.halt ? null : runtime.authority.state().stopped;
  if (stopped) {
    void requestHalt(
      runtime,
      'stop',
      `the agent is stopped (order ${stopped.orderId}); a verified resume must come first`,
    );
  }
  return runtime.halt !== null;
}

function halted(runtime: KernelRuntime): GuardedToolResult {
  const detail = runtime.halt === null ? 'the agent is halted' : `${runtime.halt.reason}: ${runtime.halt.detail}`;
  return { outcome: 'halted', text: `Not run: the agent is halted (${detail}).`, flagged: false };
}

function settled(runtime: KernelRuntime, resolution: ToolCallResolution): GuardedToolResult {
  if (resolution.type === 'result') {
    const { outcome, text, flagged } = resolution.entry;
    return { outcome, text, flagged };
  }
  if (runtime.halt) return halted(runtime);
  return { outcome: 'aborted', text: 'Not run: the call was cancelled.', flagged: false };
}

function fromEntry(entry: ToolResultEntry): GuardedToolResult {
  return { outcome: entry.outcome, text: entry.text, flagged: entry.flagged };
}

/**
 * The check as the kernel's loop holds it: the model predicts the outcome, the request goes on the audit log, and
 * the run's next step is the check until an answer, its expiry, a halt or `signal`. The step goes back to a model
 * call afterwards, so the next check can be asked.
 */
async function answerCheck(
  runtime: KernelRuntime,
  call: ModelToolCall,
  check: Extract<ToolCallResolution, { type: 'check' }>,
  signal: AbortSignal | undefined,
): Promise<GuardedToolResult> {
  if (haltIfStopped(runtime)) return halted(runtime);
  const prediction = await predictOutcome(runtime, call, [], check);
  if (prediction === null || runtime.halt) return halted(runtime);
  try {
    if (!(await requestCheck(runtime, call, check, prediction, []))) return halted(runtime);
    await waitForCheck(runtime, signal);
    if (runtime.halt) return halted(runtime);
    const answer = runtime.checkAnswers.get(check.action);
    runtime.checkAnswers.delete(check.action);
    if (answer?.answer === 'approved') {
      runtime.state.next = { type: 'model-call' };
      return settled(runtime, await executeToolCall(runtime, call, { approvedAction: check.action }));
    }
    if (answer?.answer === 'denied') {
      const reason = answer.reason === '' ? '' : ` Reason: ${answer.reason}`;
      return fromEntry(
        toolResult(call, 'denied', `Not run: ${answer.signers.join(', ')} denied this action.${reason}`),
      );
    }
    if (signal?.aborted) {
      runtime.recorder.note('check-answered', { action: check.action, answer: 'cancelled' });
      return {
        outcome: 'aborted',
        text: 'Not run: the call was cancelled while it waited for a check.',
        flagged: false,
      };
    }
    runtime.recorder.note('check-answered', { action: check.action, answer: 'expired' });
    return fromEntry(
      toolResult(call, 'denied', 'Not run: no principal answered the check before it expired; treat it as denied.'),
    );
  } finally {
    if (!runtime.halt && runtime.state.next.type === 'check') runtime.state.next = { type: 'model-call' };
  }
}
