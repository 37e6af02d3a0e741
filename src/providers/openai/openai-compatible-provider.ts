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
  chatCompletionChunkSchema,
  chatCompletionResponseSchema,
  toFinishReason,
  toWireMessages,
  toWireTools,
} from './chat-completions-wire.ts';

export const defaultBaseUrl = 'https://api.openai.com/v1';

export interface OpenAiCompatibleOptions extends GenerationSettings {
  model: string;
  /** Defaults to HEED_BASE_URL, then OPENAI_BASE_URL, then https://api.openai.com/v1. */
  baseUrl?: string;
  /** Defaults to HEED_API_KEY, then OPENAI_API_KEY; local servers (Ollama, llama.cpp) need none. */
  apiKey?: string;
  /** Stream the answer as server-sent events (default true). */
  stream?: boolean;
  headers?: Record<string, string>;
  /** Limit on each try, first byte to last (default 10 minutes). */
  timeoutMs?: number;
  /** Tries again after 429, 5xx and refused or reset connections (default: 2 retries, from 500 ms, with jitter). */
  retry?: RetryOptions;
  /** Where the HEED_* and OPENAI_* variables are read from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** A provider for any server that speaks OpenAI's chat completions: OpenAI, vLLM, Ollama, llama.cpp's server. */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): Provider {
  if (options.model.trim() === '') throw new InvalidInputError('The model name must not be empty.');
  const env = options.env ?? process.env;
  const baseUrl = checkBaseUrl(
    options.baseUrl ?? env.HEED_BASE_URL ?? env.OPENAI_BASE_URL ?? defaultBaseUrl,
    'http://127.0.0.1:8000/v1',
  );
  const apiKey = options.apiKey ?? env.HEED_API_KEY ?? env.OPENAI_API_KEY;
  const settings = checkGenerationSettings(options);
  const stream = options.stream ?? true;
  const url = `${baseUrl}/chat/completions`;
  const endpoint: ModelEndpoint = {
    url,
    headers: {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      ...options.headers,
    },
    stream,
    timeoutMs: options.timeoutMs ?? 600_000,
    retry: options.retry,
    readBody: (text) => readCompletion(url, text),
    readStream: (response, stepOptions, signal) => readStream(url, response, stepOptions, signal),
  };
  const step: Provider['step'] = (messages, tools, stepOptions) =>
    callModelEndpoint(
      endpoint,
      {
        model: options.model,
        messages: toWireMessages(messages),
        ...(tools.length > 0 ? { tools: toWireTools(tools) } : {}),
        ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
        ...(settings.maxTokens !== undefined ? { max_tokens: settings.maxTokens } : {}),
        ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      },
      stepOptions,
    );
  return { id: `openai:${options.model}`, settings, step };
}

function readCompletion(url: string, text: string): StepResult {
  const completion = readJsonBody(url, text, chatCompletionResponseSchema, 'a chat completion');
  const choice = completion.choices[0]!;
  const toolCalls = (choice.message.tool_calls ?? []).map(
    (call, index): ToolCall => ({
      id: call.id || `call_${index}`,
      name: call.function.name,
      arguments: call.function.arguments,
    }),
  );
  return {
    text: choice.message.content ?? '',
    toolCalls,
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    },
    finishReason: toFinishReason(choice.finish_reason, toolCalls.length > 0),
  };
}

async function readStream(
  url: string,
  response: IncomingMessage,
  stepOptions: StepOptions,
  signal: AbortSignal,
): Promise<StepResult> {
  const events = serverSentEvents(response);
  let text = '';
  let finishReason: string | null | undefined;
  let sawDone = false;
  const usage = { inputTokens: 0, outputTokens: 0 };
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for await (const event of events) {
    // Events already parsed from the last network read must not be delivered after an abort.
    signal.throwIfAborted();
    if (event.data === '[DONE]') {
      sawDone = true;
      break;
    }
    const chunk = readJsonBody(url, event.data, chatCompletionChunkSchema, 'a chat completion chunk');
    if (chunk.usage) {
      usage.inputTokens = chunk.usage.prompt_tokens ?? usage.inputTokens;
      usage.outputTokens = chunk.usage.completion_tokens ?? usage.outputTokens;
    }
    for (const choice of chunk.choices) {
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const content = choice.delta?.content;
      if (content) {
        text += content;
        stepOptions.onTextDelta?.(content);
      }
      for (const delta of choice.delta?.tool_calls ?? []) {
        const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name += delta.function.name;
        if (delta.function?.arguments) call.arguments += delta.function.arguments;
        calls.set(delta.index, call);
      }
    }
  }
  // The rest of the body is drained, so the connection can serve the next call; the answer is complete,
  // so a failure while draining changes nothing.
  if (sawDone) response.on('error', () => {}).resume();
  if (!sawDone && !finishReason) {
    throw new ProviderResponseError(url, 'the event stream ended before the answer was finished (no [DONE])');
  }
  const toolCalls = [...calls.entries()]
    .sort(([left], [right]) => left - right)
    .map(([index, call]): ToolCall => ({ id: call.id || `call_${index}`, name: call.name, arguments: call.arguments }));
  const unnamed = toolCalls.find((call) => call.name === '');
  if (unnamed) throw new ProviderResponseError(url, `streamed tool call ${unnamed.id} has no function name`);
  return { text, toolCalls, usage, finishReason: toFinishReason(finishReason, toolCalls.length > 0) };
}
