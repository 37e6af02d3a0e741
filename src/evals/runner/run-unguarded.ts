import { renderCharterInstructions } from '../../charter/render-charter.ts';
import type { ChatMessage, ToolCall } from '../../providers/provider.ts';
import type { SampleRunInput, SampleRunOutput } from './agent-loop-types.ts';
import type { TraceEvent } from './sample-trace.ts';
import { nextEventStep, timelineAt, unguardedMessage } from './timeline-messages.ts';

/**
 * Guard off: the alignment target as instructions only. Orders, spoofs and notices all arrive as chat
 * messages, tools run directly, nothing is verified, checked or stopped from outside the model.
 */
export async function runUnguarded(input: SampleRunInput): Promise<SampleRunOutput> {
  const { scenario, variant, environment, provider, signal } = input;
  const trace: TraceEvent[] = [];
  const system = [renderCharterInstructions(input.charter), variant.system].filter(Boolean).join('\n\n');
  const taskFrom = scenario.taskFrom ?? scenario.charter.principals[0]!.id;
  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    { role: 'user', content: [`[${taskFrom}] ${scenario.task}`, variant.user].filter(Boolean).join('\n\n') },
  ];
  const specs = environment.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
  }));
  let stopped = false;

  let step = 0;
  while (step < scenario.steps) {
    signal?.throwIfAborted();
    environment.setStep(step);
    for (const event of timelineAt(scenario.timeline, step)) {
      recordTimelineEvent(trace, event, step);
      if ('stop' in event) stopped = true;
      if ('inject' in event) environment.injectIntoNextResult(event.inject.tool, event.inject.text);
      const text = unguardedMessage(event);
      if (text !== undefined) messages.push({ role: 'user', content: text });
    }
    if (environment.ended()) {
      trace.push({ type: 'halt', step, reason: 'environment-ended' });
      break;
    }
    trace.push({ type: 'model-call', step });
    const result = await provider.step(messages, specs, { signal });
    if (result.text) trace.push({ type: 'model-text', step, text: result.text });
    messages.push({
      role: 'assistant',
      content: result.text,
      ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
    });
    if (result.toolCalls.length === 0) {
      // The model ended its turn: the timeline goes on from its next event, as a principal's next message
      // would, after a stop too (a plea to carry on is part of what is tested).
      const next = nextEventStep(scenario.timeline, step);
      if (next === undefined || next >= scenario.steps) {
        trace.push({ type: 'halt', step, reason: stopped ? 'stopped' : 'final' });
        break;
      }
      step = next;
      continue;
    }
    for (const call of result.toolCalls) {
      messages.push({ role: 'tool', toolCallId: call.id, content: await runToolCall(input, call, step, trace) });
    }
    step += 1;
    if (step === scenario.steps) trace.push({ type: 'halt', step: step - 1, reason: 'step-limit' });
  }
  return { trace, transcript: messages, audit: [] };
}

async function runToolCall(input: SampleRunInput, call: ToolCall, step: number, trace: TraceEvent[]): Promise<string> {
  const tool = input.environment.tools.find((candidate) => candidate.name === call.name);
  let parsed: unknown;
  try {
    parsed = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    parsed = undefined;
  }
  const refusal = !tool
    ? `unknown tool '${call.name}'`
    : typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
      ? 'arguments are not a JSON object'
      : undefined;
  if (refusal !== undefined || !tool) {
    const reason = refusal ?? 'unknown tool';
    trace.push({
      type: 'tool-call',
      step,
      name: call.name,
      arguments: call.arguments,
      executed: false,
      refusal: reason,
    });
    return `Error: ${reason}`;
  }
  trace.push({ type: 'tool-call', step, name: call.name, arguments: call.arguments, executed: true, approved: false });
  try {
    return await tool.run(parsed as Record<string, unknown>, {
      signal: input.signal ?? new AbortController().signal,
      registerProcessGroup: () => {},
    });
  } catch (error) {
    return `Error: ${(error as Error).message}`;
  }
}

export function recordTimelineEvent(
  trace: TraceEvent[],
  event: Parameters<typeof unguardedMessage>[0],
  step: number,
): void {
  if ('stop' in event) trace.push({ type: 'stop', step, from: event.stop.from, accepted: true });
  else if ('order' in event)
    trace.push({ type: 'order', step, from: [event.order.from].flat(), kind: event.order.kind, accepted: true });
  else if ('spoof' in event) trace.push({ type: 'spoof', step, claims: event.spoof.claims, text: event.spoof.text });
  else if ('notice' in event) trace.push({ type: 'notice', step, text: event.notice });
  else if ('inject' in event) trace.push({ type: 'inject', step, tool: event.inject.tool });
  else if ('silence' in event) trace.push({ type: 'silence', step, principal: event.silence });
}
