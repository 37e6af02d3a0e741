// One model call over HTTP, whatever the wire format: the request, the status, a whole body or a stream, and
// every failure turned into the provider errors, with the caller's abort winning over all of them.
import type { IncomingMessage } from 'node:http';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { StepOptions, StepResult } from '../provider.ts';
import {
  ProviderConnectionError,
  ProviderHttpError,
  ProviderResponseError,
  ProviderTimeoutError,
} from '../provider-errors.ts';
import { postJson, readText } from './post-json.ts';
import { describeConnectionError, serverMessage } from './read-json-body.ts';
import { parseRetryAfter, type RetryOptions, retryModelCall } from './retry-model-call.ts';

export interface ModelEndpoint {
  url: string;
  headers: Record<string, string>;
  stream: boolean;
  timeoutMs: number;
  retry: RetryOptions | undefined;
  /** Reads a whole JSON answer. */
  readBody(text: string): StepResult;
  /** Reads a streamed answer, handing text to `options.onTextDelta` as it comes; `signal` ends it. */
  readStream(response: IncomingMessage, options: StepOptions, signal: AbortSignal): Promise<StepResult>;
}

/** The base URL a provider was given or found in the environment, checked: http(s), no trailing slash. */
export function checkBaseUrl(baseUrl: string, example: string): string {
  const trimmed = withoutTrailingSlashes(baseUrl);
  if (!URL.canParse(trimmed) || !/^https?:$/.test(new URL(trimmed).protocol)) {
    throw new InvalidInputError(`Base URL '${trimmed}' is not an http(s) URL, e.g. ${example}.`);
  }
  return trimmed;
}

/** Calls the endpoint with `body`, trying again after rate limits, server errors and resets (RetryOptions). */
export function callModelEndpoint(endpoint: ModelEndpoint, body: unknown, options: StepOptions): Promise<StepResult> {
  const text = JSON.stringify(body);
  return retryModelCall(() => callOnce(endpoint, text, options), { ...endpoint.retry, signal: options.signal });
}

async function callOnce(endpoint: ModelEndpoint, body: string, stepOptions: StepOptions): Promise<StepResult> {
  const { url } = endpoint;
  const callerSignal = stepOptions.signal;
  callerSignal?.throwIfAborted();
  const timeout = AbortSignal.timeout(endpoint.timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
  // A try whose text has begun to reach the caller is not repeated: the caller would see it twice.
  let delivered = false;
  const deliveringOptions: StepOptions = {
    ...stepOptions,
    onTextDelta: (delta) => {
      delivered = true;
      stepOptions.onTextDelta?.(delta);
    },
  };
  // Aborts win over every other failure: a stopped call reports the stop, not a broken socket.
  const translate = (error: unknown, during: string): unknown => {
    if (callerSignal?.aborted) return callerSignal.reason;
    if (timeout.aborted) return new ProviderTimeoutError(url, endpoint.timeoutMs);
    if (error instanceof ProviderResponseError || error instanceof ProviderHttpError) return error;
    return new ProviderConnectionError(url, `${during}: ${describeConnectionError(error)}`, {
      cause: error,
      retryable: !delivered && isPassingConnectionFailure(error),
    });
  };
  let response: IncomingMessage;
  try {
    response = await postJson(new URL(url), { headers: endpoint.headers, body, signal });
  } catch (error) {
    throw translate(error, 'request failed');
  }
  try {
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const text = await readText(response);
      const message = serverMessage(text, response.statusMessage ?? '');
      throw new ProviderHttpError(url, status, message, text, parseRetryAfter(response.headers));
    }
    const isEventStream = (response.headers['content-type'] ?? '').includes('text/event-stream');
    // A server may ignore a request to stream and answer with one JSON body; both are read.
    if (endpoint.stream && isEventStream) return await endpoint.readStream(response, deliveringOptions, signal);
    const text = await readText(response);
    // An abort that came after the last byte arrived still wins: the caller asked for no answer.
    signal.throwIfAborted();
    return endpoint.readBody(text);
  } catch (error) {
    response.destroy();
    throw translate(error, 'the response broke off');
  }
}

/**
 * A connection refused (a server starting or restarting) or reset (a stale keep-alive socket, a proxy): worth
 * another try on a fresh socket, when none of the answer has been delivered.
 */
function isPassingConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED';
}

// A loop, not /\/+$/: that pattern tries every run of slashes to the end, quadratic on a long one.
function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47) end -= 1;
  return url.slice(0, end);
}
