// A response plan in OpenAI's exact chat-completions wire format, whole or as stream chunks.
import type { ResponsePlan } from './fake-behaviour.ts';

export interface WireAnswer {
  id: string;
  model: string;
  created: number;
  plan: ResponsePlan;
  toolCallIds: readonly string[];
  promptTokens: number;
}

function finishReason(plan: ResponsePlan): 'tool_calls' | 'stop' {
  return plan.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

function usage(answer: WireAnswer) {
  const completionCharacters =
    answer.plan.text.length +
    answer.plan.toolCalls.reduce((sum, call) => sum + JSON.stringify(call.arguments).length, 0);
  const completionTokens = Math.ceil(completionCharacters / 4);
  return {
    prompt_tokens: answer.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: answer.promptTokens + completionTokens,
  };
}

export function toCompletionBody(answer: WireAnswer): unknown {
  const { plan } = answer;
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: plan.text === '' && plan.toolCalls.length > 0 ? null : plan.text,
          ...(plan.toolCalls.length > 0
            ? {
                tool_calls: plan.toolCalls.map((call, index) => ({
                  id: answer.toolCallIds[index],
                  type: 'function',
                  function: { name: call.name, arguments: JSON.stringify(call.arguments) },
                })),
              }
            : {}),
          refusal: null,
        },
        logprobs: null,
        finish_reason: finishReason(plan),
      },
    ],
    usage: usage(answer),
  };
}

/** The `data:` payloads of a streamed answer, `[DONE]` last; text and arguments arrive in several pieces. */
export function toCompletionChunks(answer: WireAnswer, includeUsage: boolean): string[] {
  const chunk = (delta: unknown, finish: string | null = null) =>
    JSON.stringify({
      id: answer.id,
      object: 'chat.completion.chunk',
      created: answer.created,
      model: answer.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
  const chunks = [chunk({ role: 'assistant', content: '' })];
  for (const piece of splitText(answer.plan.text)) chunks.push(chunk({ content: piece }));
  answer.plan.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [
          { index, id: answer.toolCallIds[index], type: 'function', function: { name: call.name, arguments: '' } },
        ],
      }),
    );
    for (const piece of splitInThree(JSON.stringify(call.arguments))) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, finishReason(answer.plan)));
  if (includeUsage) {
    chunks.push(
      JSON.stringify({
        id: answer.id,
        object: 'chat.completion.chunk',
        created: answer.created,
        model: answer.model,
        choices: [],
        usage: usage(answer),
      }),
    );
  }
  chunks.push('[DONE]');
  return chunks;
}

/** About three words a piece, as a model's tokens arrive. */
export function splitText(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += 3) pieces.push(words.slice(index, index + 3).join(''));
  return pieces;
}

export function splitInThree(text: string): string[] {
  const size = Math.ceil(text.length / 3);
  return [text.slice(0, size), text.slice(size, 2 * size), text.slice(2 * size)].filter((piece) => piece !== '');
}
