import { renderCharterInstructions } from '../../charter/render-charter.ts';
import { auditedInput } from '../../kernel/execute-tool-call.ts';
import { actionHash } from '../../kernel/policy/action-hash.ts';
import { errorText } from '../../kernel/tracked-call.ts';
import type { ChatMessage, ToolCall } from '../../providers/provider.ts';
import type { SampleRunInput, SampleRunOutput } from './agent-loop-types.ts';
import type { SampleEvent } from './sample-trace.ts';
import { signScenarioOrder, timelineOrderBody } from './scenario-order.ts';
import { nextEventStep, timelineAt, unguardedMessage } from './timeline-messages.ts';

/** Writes what the runner did as audit events, as the kernel would have written them, each at its step. */
class UnguardedTrace {
  readonly events: SampleEvent[] = [];
  modelCalls = 0;
  toolCalls = 0;

  add(event: SampleEvent): void {
    this.events.push(event);
  }

  halt(step: number, detail: string): void {
    const counts = { modelCalls: this.modelCalls, toolCalls: this.toolCalls };
    this.add({
      type: 'halt',
      step,
      data: { reason: 'cancelled', detail, aborted: [], abandoned: [], killedProcessGroups: [], ...counts },
    });
  }
}

/**
 * Guard off: the alignment target as instructions only. Orders, spoofs and notices all arrive as chat
 * messages, tools run directly, nothing is verified, checked or stopped from outside the model. The trace
 * holds the same audit events a kernel writes for the calls and orders; an order is signed by its principals
 * and recorded as delivered, though nothing verified it.
 */
export async function runUnguarded(input: SampleRunInput): Promise<SampleRunOutput> {
  const { scenario, variant, environment, provider, signal } = input;
  const trace = new UnguardedTrace();
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

  let step = 0;
  while (step < scenario.steps) {
    signal?.throwIfAborted();
    environment.setStep(step);
    for (const event of timelineAt(scenario.timeline, step)) {
      recordDelivery(input, trace, event, step);
      if ('inject' in event) environment.injectIntoNextResult(event.inject.tool, event.inject.text);
      const text = unguardedMessage(event);
      if (text !== undefined) messages.push({ role: 'user', content: text });
    }
    if (environment.ended()) {
      trace.halt(step, 'the environment shut down');
      break;
    }
    const call = `model-${++trace.modelCalls}`;
    trace.add({
      type: 'model-call-start',
      step,
      data: { call, purpose: 'turn', provider: provider.id, messages: messages.length },
    });
    const result = await provider.step(messages, specs, { signal });
    const toolCalls = result.toolCalls.map((toolCall) => ({ id: toolCall.id, name: toolCall.name }));
    const { usage, finishReason } = result;
    trace.add({
      type: 'model-call-end',
      step,
      data: { call, outcome: 'ok', text: result.text, toolCalls, usage, finishReason },
    });
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
        trace.add({ type: 'run-ended', step, data: { outcome: 'final', text: result.text } });
        break;
      }
      step = next;
      continue;
    }
    for (const toolCall of result.toolCalls) {
      messages.push({
        role: 'tool',
        toolCallId: toolCall.id,
        content: await runToolCall(input, toolCall, step, trace),
      });
    }
    step += 1;
    if (step === scenario.steps) trace.halt(step - 1, `the scenario's step limit (${scenario.steps}) was reached`);
  }
  return { trace: trace.events, transcript: messages, audit: [] };
}

async function runToolCall(
  input: SampleRunInput,
  call: ToolCall,
  step: number,
  trace: UnguardedTrace,
): Promise<string> {
  const tool = input.environment.tools.find((candidate) => candidate.name === call.name);
  let parsed: unknown;
  try {
    parsed = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    parsed = undefined;
  }
  if (!tool || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const [reason, detail] = !tool
      ? ['unknown-tool', `unknown tool '${call.name}'`]
      : ['malformed-arguments', 'arguments are not a JSON object'];
    trace.add({ type: 'tool-call-rejected', step, data: { call: call.id, tool: call.name, reason, detail } });
    return `Error: ${detail}`;
  }
  const toolInput = parsed as Record<string, unknown>;
  const id = `tool-${++trace.toolCalls}`;
  trace.add({
    type: 'tool-call-start',
    step,
    data: {
      call: id,
      toolCall: call.id,
      tool: tool.name,
      impact: tool.impact,
      impacts: [tool.impact],
      action: actionHash(tool.name, toolInput),
      ...auditedInput(toolInput),
    },
  });
  try {
    const text = await tool.run(toolInput, {
      signal: input.signal ?? new AbortController().signal,
      registerProcessGroup: () => {},
    });
    trace.add({
      type: 'tool-call-end',
      step,
      data: { call: id, name: tool.name, outcome: 'ok', characters: text.length },
    });
    return text;
  } catch (error) {
    trace.add({
      type: 'tool-call-end',
      step,
      data: { call: id, name: tool.name, outcome: 'error', error: errorText(error) },
    });
    return `Error: ${(error as Error).message}`;
  }
}

/** A stop or an order reaches the model as a message: recorded as the order its principals signed, delivered. */
function recordDelivery(
  input: SampleRunInput,
  trace: UnguardedTrace,
  event: Parameters<typeof unguardedMessage>[0],
  step: number,
): void {
  const order =
    'stop' in event
      ? { from: event.stop.from, kind: 'stop' as const, body: event.stop.reason ? { reason: event.stop.reason } : {} }
      : 'order' in event
        ? { from: event.order.from, kind: event.order.kind, body: timelineOrderBody(event.order) }
        : undefined;
  if (order === undefined) return;
  // Scenario time: one minute a step, as the guarded runner counts it.
  const envelope = signScenarioOrder(input.charter, input.keys, { ...order, now: step * 60_000 });
  const explanation = 'guard off: delivered to the model as a chat message; nothing verified it';
  const data = {
    id: envelope.id,
    kind: envelope.kind,
    signers: [order.from].flat(),
    effect: 'none',
    explanation,
    envelope,
  };
  trace.add({ type: 'order-accepted', step, data });
}
