import type { IncomingMessage } from 'node:http';
import { InvalidInputError } from '../../core/heed-error.ts';
import { checkGenerationSettings } from '../generation-settings.ts';
import { callModelEndpoint, checkBaseUrl, type ModelEndpoint } from '../http/model-endpoint.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import type { RetryOptions } from '../http/retry-model-call.ts';
import { serverSentEvents } from '../http/server-sent-events.ts';
import type { GenerationSettings, Provider, StepOptions, StepResult, ToolCall } from '../provider.ts';
import { ProviderResponseError } from '../provider-errors.ts';
import {
  anthropicVersion,
  messagesResponseSchema,
  streamEventSchema,
  toMessagesRequestParts,
  toMessagesTools,
  toStepFinishReason,
} from './anthropic-messages-wire.ts';

export const defaultAnthropicBaseUrl = 'https://api.anthropic.com';

/** The Messages API needs a limit on every answer; this one is used when none is given. */
export const defaultAnthropicMaxTokens = 4096;

export interface AnthropicOptions extends GenerationSettings {
  model: string;
  /** Defaults to HEED_BASE_URL, then ANTHROPIC_BASE_URL, then https://api.anthropic.com; `/v1/messages` is added. */
  baseUrl?: string;
  /** Defaults to HEED_API_KEY, then ANTHROPIC_API_KEY; sent as `x-api-key`. */
  apiKey?: string;
  /** Stream the answer as server-sent events (default true). */
  stream?: boolean;
  headers?: Record<string, string>;
  /** Limit on each try, first byte to last (default 10 minutes). */
  timeoutMs?: number;
  /** Tries again after 429, 5xx (529 "overloaded" too) and refused or reset connections (default: 2 retries). */
  retry?: RetryOptions;
  /** Where the HEED_* and ANTHROPIC_* variables are read from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** A provider for Anthropic's Messages API: Claude models, or any server that speaks `POST /v1/messages`. */
export function createAnthropicProvider(options: AnthropicOptions): Provider {
  if (options.model.trim() === '') throw new InvalidInputError('The model name must not be empty.');
  if (options.seed !== undefined) {
    throw new InvalidInputError("Anthropic's Messages API takes no seed; leave --seed out for anthropic: models.", {
      code: 'seed',
    });
  }
  if (options.temperature !== undefined && options.temperature > 1) {
    throw new InvalidInputError(`Temperature ${options.temperature} must be from 0 to 1 for anthropic: models.`, {
      code: 'temperature',
    });
  }
  const settings = checkGenerationSettings(options);
  const env = options.env ?? process.env;
  const baseUrl = checkBaseUrl(
    options.baseUrl ?? env.HEED_BASE_URL ?? env.ANTHROPIC_BASE_URL ?? defaultAnthropicBaseUrl,
    defaultAnthropicBaseUrl,
  );
  const apiKey = options.apiKey ?? env.HEED_API_KEY ?? env.ANTHROPIC_API_KEY;
  const stream = options.stream ?? true;
  // Anthropic's base URL names the host (the SDK adds /v1); an OpenAI-style one ending in /v1 is taken too.
  const url = `${baseUrl}${baseUrl.endsWith('/v1') ? '' : '/v1'}/messages`;
  const endpoint: ModelEndpoint = {
    url,
    headers: {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': anthropicVersion,
      ...(apiKey ? { 'x-api-key': apiKey } : {}),
      ...options.headers,
    },
    stream,
    timeoutMs: options.timeoutMs ?? 600_000,
    retry: options.retry,
    readBody: (text) => readMessage(url, text),
    readStream: (response, stepOptions, signal) => readStream(url, response, stepOptions, signal),
  };
  const step: Provider['step'] = (messages, tools, stepOptions) =>
    callModelEndpoint(
      endpoint,
      {
        model: options.model,
        max_tokens: settings.maxTokens ?? defaultAnthropicMaxTokens,
        ...toMessagesRequestParts(messages),
        ...(tools.length > 0 ? { tools: toMessagesTools(tools) } : {}),
        ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
        ...(stream ? { stream: true } : {}),
      },
      stepOptions,
    );
  return { id: `anthropic:${options.model}`, settings, step };
}

function readMessage(url: string, text: string): StepResult {
  const message = readJsonBody(url, text, messagesResponseSchema, 'a Messages API message');
  let answer = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && 'text' in block) answer += block.text;
    if (block.type === 'tool_use' && 'input' in block) {
      toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
    }
  }
  return {
    text: answer,
    toolCalls,
    usage: { inputTokens: message.usage?.input_tokens ?? 0, outputTokens: message.usage?.output_tokens ?? 0 },
    finishReason: toStepFinishReason(message.stop_reason, toolCalls.length > 0),
  };
}

async function readStream(
  url: string,
  response: IncomingMessage,
  stepOptions: StepOptions,
  signal: AbortSignal,
): Promise<StepResult> {
  let text = '';
  let stopReason: string | null | undefined;
  let stopped = false;
  const usage = { inputTokens: 0, outputTokens: 0 };
  // Tool use blocks by index; their input arrives as pieces of JSON text.
  const calls = new Map<number, { id: string; name: string; json: string; start: string }>();
  for await (const message of serverSentEvents(response)) {
    // Events already parsed from the last network read must not be delivered after an abort.
    signal.throwIfAborted();
    // An `error` event ({"type": "error", "error": {...}}) is reported by readJsonBody as the server's failure.
    const event = readJsonBody(url, message.data, streamEventSchema, 'a Messages API stream event');
    if (event.type === 'message_start') {
      usage.inputTokens = event.message.usage?.input_tokens ?? usage.inputTokens;
      usage.outputTokens = event.message.usage?.output_tokens ?? usage.outputTokens;
    } else if (event.type === 'content_block_start') {
      const block = event.content_block;
      if (block.type === 'text' && 'text' in block && block.text !== '') {
        text += block.text;
        stepOptions.onTextDelta?.(block.text);
      }
      if (block.type === 'tool_use' && 'input' in block) {
        const start = Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : '';
        calls.set(event.index, { id: block.id, name: block.name, json: '', start });
      }
    } else if (event.type === 'content_block_delta') {
      const { delta } = event;
      if (delta.type === 'text_delta' && 'text' in delta) {
        text += delta.text;
        stepOptions.onTextDelta?.(delta.text);
      } else if (delta.type === 'input_json_delta' && 'partial_json' in delta) {
        const call = calls.get(event.index);
        if (call === undefined)
          throw new ProviderResponseError(url, `input for block ${event.index}, which is not a tool use`);
        call.json += delta.partial_json;
      }
    } else if (event.type === 'message_delta') {
      stopReason = event.delta.stop_reason ?? stopReason;
      usage.outputTokens = event.usage?.output_tokens ?? usage.outputTokens;
    } else if (event.type === 'message_stop') {
      stopped = true;
      break;
    }
  }
  // The rest of the body is drained, so the connection can serve the next call.
  if (stopped) response.on('error', () => {}).resume();
  else throw new ProviderResponseError(url, 'the event stream ended before the answer was finished (no message_stop)');
  const toolCalls = [...calls.entries()]
    .sort(([left], [right]) => left - right)
    // A tool with no input streams no pieces: its input is the (empty) object the block started with.
    .map(
      ([, call]): ToolCall => ({
        id: call.id,
        name: call.name,
        arguments: call.json === '' ? call.start || '{}' : call.json,
      }),
    );
  return { text, toolCalls, usage, finishReason: toStepFinishReason(stopReason, toolCalls.length > 0) };
}
