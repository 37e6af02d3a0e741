// Anthropic's Messages API wire format (POST /v1/messages, anthropic-version 2023-06-01), as far as heed speaks
// it: text, tool use and tool results, whole or streamed. The provider sends it; the fake model server reads it.
import { z } from 'zod';
import { parseToolArguments } from '../parse-tool-arguments.ts';
import type { ChatMessage, StepResult, ToolSpec } from '../provider.ts';

export const anthropicVersion = '2023-06-01';

const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() });
const toolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
const toolResultBlockSchema = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  is_error: z.boolean().optional(),
});
const requestBlockSchema = z.discriminatedUnion('type', [textBlockSchema, toolUseBlockSchema, toolResultBlockSchema]);

export const messagesRequestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  messages: z
    .array(
      z.object({
        role: z.enum(['user', 'assistant']),
        content: z.union([z.string(), z.array(requestBlockSchema).min(1)]),
      }),
    )
    .min(1),
  tools: z
    .array(
      z.object({
        name: z.string().min(1),
        description: z.string().optional(),
        input_schema: z.record(z.string(), z.unknown()),
      }),
    )
    .optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
});
export type MessagesRequest = z.output<typeof messagesRequestSchema>;

const usageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
});

/** Answers carry text and tool use; other blocks (thinking, for one) are passed over. */
const responseBlockSchema = z.union([textBlockSchema, toolUseBlockSchema, z.object({ type: z.string() })]);

export const messagesResponseSchema = z.object({
  type: z.literal('message'),
  content: z.array(responseBlockSchema),
  stop_reason: z.string().nullish(),
  usage: usageSchema.nullish(),
});

export const streamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: z.object({ usage: usageSchema.nullish() }) }),
  z.object({
    type: z.literal('content_block_start'),
    index: z.number().int().nonnegative(),
    content_block: responseBlockSchema,
  }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number().int().nonnegative(),
    delta: z.union([
      z.object({ type: z.literal('text_delta'), text: z.string() }),
      z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
      z.object({ type: z.string() }),
    ]),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number().int().nonnegative() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: usageSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
]);
export type StreamEvent = z.output<typeof streamEventSchema>;

type WireBlock = z.input<typeof requestBlockSchema>;
type WireMessage = { role: 'user' | 'assistant'; content: WireBlock[] };

/**
 * heed's messages as a Messages request: system messages become `system`; tool results are user turns of
 * `tool_result` blocks; turns of the same role are merged, as the API wants them to alternate; empty text is left
 * out, as the API refuses it.
 */
export function toMessagesRequestParts(messages: readonly ChatMessage[]): { system?: string; messages: WireMessage[] } {
  const system: string[] = [];
  const wire: WireMessage[] = [];
  const add = (role: WireMessage['role'], blocks: WireBlock[]) => {
    if (blocks.length === 0) return;
    const last = wire.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else wire.push({ role, content: blocks });
  };
  const text = (content: string): WireBlock[] => (content === '' ? [] : [{ type: 'text', text: content }]);
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        add('user', text(message.content));
        break;
      case 'tool':
        add('user', [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }]);
        break;
      case 'assistant': {
        const calls = (message.toolCalls ?? []).map((call): WireBlock => {
          // The API takes a tool's input as an object; arguments the model garbled go as none (the tool's result,
          // which follows, says what was wrong).
          const parsed = parseToolArguments(call);
          return { type: 'tool_use', id: call.id, name: call.name, input: parsed.ok ? parsed.value : {} };
        });
        add('assistant', [...text(message.content), ...calls]);
        break;
      }
    }
  }
  return { ...(system.length > 0 ? { system: system.join('\n\n') } : {}), messages: wire };
}

export function toMessagesTools(tools: readonly ToolSpec[]): unknown[] {
  return tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }));
}

/** The server side: a validated request read back into heed's message and tool types. */
export function fromMessagesRequest(request: MessagesRequest): { messages: ChatMessage[]; tools: ToolSpec[] } {
  const messages: ChatMessage[] = [];
  const joined = (content: string | { text: string }[] | undefined) =>
    typeof content === 'string' ? content : (content ?? []).map((block) => block.text).join('');
  if (request.system !== undefined) messages.push({ role: 'system', content: joined(request.system) });
  for (const message of request.messages) {
    const blocks =
      typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
    const texts = blocks.flatMap((block) => (block.type === 'text' ? [block.text] : []));
    if (message.role === 'assistant') {
      const toolCalls = blocks.flatMap((block) =>
        block.type === 'tool_use' ? [{ id: block.id, name: block.name, arguments: JSON.stringify(block.input) }] : [],
      );
      messages.push({ role: 'assistant', content: texts.join(''), ...(toolCalls.length > 0 ? { toolCalls } : {}) });
      continue;
    }
    for (const block of blocks) {
      if (block.type === 'tool_result') {
        messages.push({ role: 'tool', toolCallId: block.tool_use_id, content: joined(block.content) });
      }
    }
    if (texts.length > 0) messages.push({ role: 'user', content: texts.join('') });
  }
  const tools = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    description: tool.description ?? '',
    inputSchema: tool.input_schema,
  }));
  return { messages, tools };
}

export function toStepFinishReason(
  stopReason: string | null | undefined,
  hasToolCalls: boolean,
): StepResult['finishReason'] {
  if (hasToolCalls || stopReason === 'tool_use') return 'tool-calls';
  if (stopReason === 'end_turn' || stopReason === 'stop_sequence') return 'stop';
  if (stopReason === 'max_tokens') return 'length';
  return 'other';
}
