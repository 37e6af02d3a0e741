import type { IncomingMessage } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { z } from 'zod';
import { InvalidInputError } from '../../core/heed-error.ts';
import { describeIssues } from '../../core/parse-with-schema.ts';
import type { ChatMessage, Provider, StepOptions, StepResult, ToolCall, ToolSpec } from '../provider.ts';
import {
  ProviderConnectionError,
  ProviderHttpError,
  ProviderResponseError,
  ProviderTimeoutError,
} from '../provider-errors.ts';
import {
  chatCompletionChunkSchema,
  chatCompletionResponseSchema,
  toFinishReason,
  toWireMessages,
  toWireTools,
} from './chat-completions-wire.ts';
import { postJson, readText } from './post-json.ts';

export const defaultBaseUrl = 'https://api.openai.com/v1';

export interface OpenAiCompatibleOptions {
  model: string;
  /** Defaults to HEED_BASE_URL, then https://api.openai.com/v1. */
  baseUrl?: string;
  /** Defaults to HEED_API_KEY; local servers (Ollama, llama.cpp) need none. */
  apiKey?: string;
  /** Stream the answer as server-sent events (default true). */
  stream?: boolean;
  headers?: Record<string, string>;
  /** Whole-call limit, first byte to last (default 10 minutes). */
  timeoutMs?: number;
  /** Where HEED_BASE_URL and HEED_API_KEY are read from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** A provider for any server that speaks OpenAI's chat completions: OpenAI, vLLM, Ollama, llama.cpp's server. */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): Provider {
  if (options.model.trim() === '') throw new InvalidInputError('The model name must not be empty.');
  const env = options.env ?? process.env;
  const baseUrl = withoutTrailingSlashes(options.baseUrl ?? env.HEED_BASE_URL ?? defaultBaseUrl);
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new InvalidInputError(`Base URL '${baseUrl}' is not an http(s) URL, e.g. http://127.0.0.1:8000/v1.`);
  }
  const apiKey = options.apiKey ?? env.HEED_API_KEY;
  const stream = options.stream ?? true;
  const timeoutMilliseconds = options.timeoutMs ?? 600_000;
  const url = `${baseUrl}/chat/completions`;
  const endpoint = new URL(url);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    ...options.headers,
  };

  async function step(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[],
    stepOptions: StepOptions,
  ): Promise<StepResult> {
    const callerSignal = stepOptions.signal;
    callerSignal?.throwIfAborted();
    const timeout = AbortSignal.timeout(timeoutMilliseconds);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const body = {
      model: options.model,
      messages: toWireMessages(messages),
      ...(tools.length > 0 ? { tools: toWireTools(tools) } : {}),
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    };
    // Aborts win over every other failure: a stopped call reports the stop, not a broken socket.
    const translate = (error: unknown, during: string): unknown => {
      if (callerSignal?.aborted) return callerSignal.reason;
      if (timeout.aborted) return new ProviderTimeoutError(url, timeoutMilliseconds);
      if (error instanceof ProviderResponseError || error instanceof ProviderHttpError) return error;
      return new ProviderConnectionError(url, `${during}: ${describeConnectionError(error)}`, { cause: error });
    };
    let response: IncomingMessage;
    try {
      response = await postJson(endpoint, { headers, body: JSON.stringify(body), signal });
    } catch (error) {
      throw translate(error, 'request failed');
    }
    try {
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        const text = await readText(response);
        throw new ProviderHttpError(url, status, serverMessage(text, response.statusMessage ?? ''), text);
      }
      const isEventStream = (response.headers['content-type'] ?? '').includes('text/event-stream');
      // A server may ignore `stream: true` and answer with one JSON body; both are read.
      if (stream && isEventStream) return await readStream(url, response, stepOptions, signal);
      const text = await readText(response);
      // An abort that came after the last byte arrived still wins: the caller asked for no answer.
      signal.throwIfAborted();
      return readCompletion(url, text);
    } catch (error) {
      response.destroy();
      throw translate(error, 'the response broke off');
    }
  }

  return { id: `openai:${options.model}`, step };
}

function readCompletion(url: string, text: string): StepResult {
  const completion = parseJson(url, text, chatCompletionResponseSchema, 'a chat completion');
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

/** The server-sent events of a response, as they arrive. */
async function* serverSentEvents(response: IncomingMessage): AsyncGenerator<EventSourceMessage> {
  const parsed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => parsed.push(event) });
  response.setEncoding('utf8');
  // Not destroyed when the reader stops at [DONE]: the caller drains it, so the connection is kept.
  for await (const chunk of response.iterator({ destroyOnReturn: false })) {
    parser.feed(chunk as string);
    yield* parsed.splice(0);
  }
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
    const chunk = parseJson(url, event.data, chatCompletionChunkSchema, 'a chat completion chunk');
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

function parseJson<Schema extends z.ZodType>(
  url: string,
  text: string,
  schema: Schema,
  what: string,
): z.output<Schema> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProviderResponseError(url, `expected ${what} as JSON, got ${quote(text)}`);
  }
  const error = (value as { error?: unknown } | null)?.error;
  if (error !== undefined && error !== null) {
    throw new ProviderResponseError(url, `the server reported an error: ${serverMessage(text, 'unknown error')}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ProviderResponseError(url, `not ${what}: ${describeIssues(result.error).join('; ')}`);
  }
  return result.data;
}

/** The human part of an error body: OpenAI's `{error: {message}}`, or `{message}`, `{detail}`, or the text. */
function serverMessage(text: string, fallback: string): string {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const error = value.error;
    if (typeof error === 'string') return error;
    if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    for (const field of ['message', 'detail']) if (typeof value[field] === 'string') return value[field];
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text.trim() === '' ? fallback : quote(text);
}

/** The system error's code and message, e.g. `connect ECONNREFUSED 127.0.0.1:8000`. */
function describeConnectionError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
}

function quote(text: string): string {
  const trimmed = text.trim();
  return JSON.stringify(trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed);
}

// A loop, not /\/+$/: that pattern tries every run of slashes to the end, quadratic on a long one.
function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47) end -= 1;
  return url.slice(0, end);
}
