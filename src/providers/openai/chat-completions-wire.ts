// OpenAI's chat-completions wire format, as far as heed speaks it: only fields every
// OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp) understands.
import { z } from 'zod';
import type { ChatMessage, StepResult, ToolSpec } from '../provider.ts';

const wireToolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** What servers answer with: some omit the id, some send the arguments as an object rather than JSON text. */
const responseToolCallSchema = z.object({
  id: z.string().nullish(),
  function: z.object({
    name: z.string().min(1),
    arguments: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .nullish()
      .transform((input) => (typeof input === 'string' ? input : input ? JSON.stringify(input) : '')),
  }),
});

/** Accepts plain strings and the array-of-parts form clients may send. */
const wireContentSchema = z
  .union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() })), z.null()])
  .optional()
  .transform((content) => (Array.isArray(content) ? content.map((part) => part.text ?? '').join('') : (content ?? '')));

export const wireMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: wireContentSchema }),
  z.object({ role: z.literal('developer'), content: wireContentSchema }),
  z.object({ role: z.literal('user'), content: wireContentSchema }),
  z.object({
    role: z.literal('assistant'),
    content: wireContentSchema,
    tool_calls: z.array(wireToolCallSchema).optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: wireContentSchema }),
]);

export const wireToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(wireMessageSchema).min(1),
  tools: z.array(wireToolSchema).optional(),
  stream: z.boolean().optional(),
});

export type ChatCompletionRequest = z.output<typeof chatCompletionRequestSchema>;

const wireUsageSchema = z
  .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
  .nullish();

export const chatCompletionResponseSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(responseToolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: wireUsageSchema,
});

export const chatCompletionChunkSchema = z.object({
  choices: z.array(
    z.object({
      delta: z
        .object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                index: z.number().int().nonnegative(),
                id: z.string().nullish(),
                function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
              }),
            )
            .nullish(),
        })
        .nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: wireUsageSchema,
});

export type ChatCompletionChunk = z.output<typeof chatCompletionChunkSchema>;

export function toWireMessages(messages: readonly ChatMessage[]): unknown[] {
  return messages.map((message) => {
    switch (message.role) {
      case 'system':
      case 'user':
        return { role: message.role, content: message.content };
      case 'assistant':
        return message.toolCalls && message.toolCalls.length > 0
          ? {
              role: 'assistant',
              content: message.content === '' ? null : message.content,
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function',
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : { role: 'assistant', content: message.content };
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    }
    return message;
  });
}

export function toWireTools(tools: readonly ToolSpec[]): unknown[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
}

/** The server side: a validated request read back into heed's message and tool types. */
export function fromWireRequest(request: ChatCompletionRequest): { messages: ChatMessage[]; tools: ToolSpec[] } {
  const messages = request.messages.map((message): ChatMessage => {
    if (message.role === 'tool') return { role: 'tool', toolCallId: message.tool_call_id, content: message.content };
    if (message.role === 'assistant') {
      return message.tool_calls && message.tool_calls.length > 0
        ? {
            role: 'assistant',
            content: message.content,
            toolCalls: message.tool_calls.map((call) => ({
              id: call.id,
              name: call.function.name,
              arguments: call.function.arguments,
            })),
          }
        : { role: 'assistant', content: message.content };
    }
    return { role: message.role === 'developer' ? 'system' : message.role, content: message.content };
  });
  const tools = (request.tools ?? []).map((tool) => ({
    name: tool.function.name,
    description: tool.function.description ?? '',
    inputSchema: tool.function.parameters ?? { type: 'object', properties: {} },
  }));
  return { messages, tools };
}

export function toFinishReason(
  wireReason: string | null | undefined,
  hasToolCalls: boolean,
): StepResult['finishReason'] {
  // Some servers (Ollama) report 'stop' even when the message carries tool calls.
  if (hasToolCalls) return 'tool-calls';
  if (wireReason === 'stop') return 'stop';
  if (wireReason === 'length') return 'length';
  if (wireReason === 'tool_calls' || wireReason === 'function_call') return 'tool-calls';
  return 'other';
}
