import { canonicalJson } from '../core/canonical-json.ts';
import { toolResult } from './execute-tool-call.ts';
import type { KernelRuntime } from './kernel-runtime.ts';
import { nextCallId, turnSignal } from './kernel-runtime.ts';
import type { ModelToolCall } from './next-step.ts';
import { renderContext } from './render-context.ts';
import { errorText, runTrackedCall } from './tracked-call.ts';
import { truncateText } from './truncate-text.ts';

/**
 * DWIMAC: before a checked action, the model states what the action will do and its predicted outcomes.
 * A model call with no tools; the answer goes into the check request. Null when the run was interrupted.
 */
export async function predictOutcome(
  runtime: KernelRuntime,
  call: ModelToolCall,
  remaining: readonly ModelToolCall[],
  action: { tool: string; input: Record<string, unknown>; action: string },
): Promise<string | null> {
  // Every call of the turn needs an answer before the kernel's question; they are waiting, not run.
  const waiting = [call, ...remaining].map((pending) =>
    toolResult(pending, 'aborted', 'Not run yet: waiting for a principal to answer a check.'),
  );
  const question = {
    kind: 'notice' as const,
    text: `The action ${action.tool} ${canonicalJson(action.input)} needs a principal's approval before it runs. State in a few sentences what this action will do and its predicted outcomes, including anything irreversible, external or costly. Do not call tools.`,
  };
  const messages = [
    ...renderContext(runtime.state.context, runtime.boundary, runtime.renderedContext),
    ...renderContext([...waiting, question], runtime.boundary),
  ];
  const signal = turnSignal(runtime);
  const outcome = await runTrackedCall(runtime, {
    id: nextCallId(runtime, 'model'),
    kind: 'model',
    isolated: false,
    name: runtime.provider.id,
    signal,
    startData: { purpose: 'predict-outcome', provider: runtime.provider.id, action: action.action },
    start: () => {
      runtime.state.modelCalls += 1;
      return runtime.provider.step(messages, [], { signal });
    },
    endData: (settled, aborted) =>
      settled.status === 'fulfilled'
        ? { outcome: 'ok', text: truncateText(settled.value.text, 2048).text }
        : { outcome: aborted ? 'aborted' : 'error', error: errorText(settled.error) },
  });
  if (outcome.status === 'interrupted') return null;
  if (outcome.status === 'rejected') return `(the model gave no prediction: ${errorText(outcome.error)})`;
  const text = outcome.value.text.trim();
  return truncateText(text === '' ? '(the model gave no prediction)' : text, 4096).text;
}
