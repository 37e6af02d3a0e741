import type { ToolCallResolution } from './execute-tool-call.ts';
import type { KernelRuntime } from './kernel-runtime.ts';
import type { ModelToolCall } from './next-step.ts';

/**
 * Makes `check` the pending step and logs its request; false when the log failed or the run halted meanwhile.
 * The check is pending from the moment its request is on the log, so an answer that follows the entry at once counts.
 */
export async function requestCheck(
  runtime: KernelRuntime,
  call: ModelToolCall,
  check: Extract<ToolCallResolution, { type: 'check' }>,
  prediction: string,
  remaining: ModelToolCall[],
): Promise<boolean> {
  const expiresAt = new Date(runtime.clock.now() + runtime.checkTimeoutMs).toISOString();
  const { action, tool, input } = check;
  runtime.state.next = { type: 'check', action, call, tool, input, prediction, expiresAt, remaining };
  try {
    await runtime.recorder.record('check-requested', { call: call.id, tool, action, input, prediction, expiresAt });
  } catch {
    return false;
  }
  return runtime.halt === null;
}
