// A response plan in Anthropic's exact Messages API wire format, whole or as the stream's events.
import type { WireAnswer } from './completion-wire-response.ts';
import { splitInThree, splitText } from './completion-wire-response.ts';

function stopReason(answer: WireAnswer): 'tool_use' | 'end_turn' {
  return answer.plan.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
}

function outputTokens(answer: WireAnswer): number {
  const characters =
    answer.plan.text.length +
    answer.plan.toolCalls.reduce((sum, call) => sum + JSON.stringify(call.arguments).length, 0);
  return Math.ceil(characters / 4);
}

function toolUse(answer: WireAnswer, index: number, input: Record<string, unknown>) {
  const call = answer.plan.toolCalls[index]!;
  return { type: 'tool_use', id: answer.toolCallIds[index], name: call.name, input };
}

export function toMessageBody(answer: WireAnswer): unknown {
  const { plan } = answer;
  return {
    id: answer.id,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content: [
      ...(plan.text === '' ? [] : [{ type: 'text', text: plan.text }]),
      ...plan.toolCalls.map((call, index) => toolUse(answer, index, call.arguments)),
    ],
    stop_reason: stopReason(answer),
    stop_sequence: null,
    usage: { input_tokens: answer.promptTokens, output_tokens: outputTokens(answer) },
  };
}

/** The `event:`/`data:` pairs of a streamed answer: text and tool input arrive in several pieces. */
export function toMessageEvents(answer: WireAnswer): { event: string; data: string }[] {
  const events: { event: string; data: string }[] = [];
  const push = (data: { type: string } & Record<string, unknown>) =>
    events.push({ event: data.type, data: JSON.stringify(data) });
  push({
    type: 'message_start',
    message: {
      id: answer.id,
      type: 'message',
      role: 'assistant',
      model: answer.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: answer.promptTokens, output_tokens: 1 },
    },
  });
  push({ type: 'ping' });
  let index = 0;
  if (answer.plan.text !== '') {
    push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const text of splitText(answer.plan.text)) {
      push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    }
    push({ type: 'content_block_stop', index });
    index += 1;
  }
  answer.plan.toolCalls.forEach((call, callIndex) => {
    push({ type: 'content_block_start', index, content_block: toolUse(answer, callIndex, {}) });
    for (const partial_json of splitInThree(JSON.stringify(call.arguments))) {
      push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } });
    }
    push({ type: 'content_block_stop', index });
    index += 1;
  });
  push({
    type: 'message_delta',
    delta: { stop_reason: stopReason(answer), stop_sequence: null },
    usage: { output_tokens: outputTokens(answer) },
  });
  push({ type: 'message_stop' });
  return events;
}
