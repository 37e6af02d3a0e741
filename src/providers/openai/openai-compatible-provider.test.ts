// Failure paths against a raw HTTP server that sends exactly the bytes under test; the success paths run
// against the fake model server in test/providers/.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { parseToolArguments } from '../parse-tool-arguments.ts';
import {
  ProviderConnectionError,
  ProviderHttpError,
  ProviderResponseError,
  ProviderTimeoutError,
} from '../provider-errors.ts';
import { createOpenAiCompatibleProvider } from './openai-compatible-provider.ts';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;
const routes = new Map<string, Handler>();
const received: Array<{ path: string; headers: IncomingMessage['headers']; body: string }> = [];
const server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8').on('data', (chunk: string) => {
    body += chunk;
  });
  request.on('end', () => {
    const route = (request.url ?? '').split('/')[1] ?? '';
    received.push({ path: request.url ?? '', headers: request.headers, body });
    routes.get(route)?.(request, response, body);
  });
});
let origin = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function providerFor(route: string, handler: Handler, options: { stream?: boolean; timeoutMs?: number } = {}) {
  routes.set(route, handler);
  // One try each: retrying is tested against the fake model server's scripted faults.
  return createOpenAiCompatibleProvider({
    model: 'm',
    baseUrl: `${origin}/${route}`,
    apiKey: 'k',
    retry: { retries: 0 },
    ...options,
  });
}
const messages = [{ role: 'user' as const, content: 'hi' }];
const sse = (response: ServerResponse, events: string[]) => {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const event of events) response.write(`data: ${event}\n\n`);
  response.end();
};

describe('OpenAI-compatible provider failures', () => {
  it('sends the model, messages, tools and bearer key in OpenAI wire format', async () => {
    const provider = providerFor(
      'echo',
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] }));
      },
      { stream: false },
    );
    const tools = [{ name: 'shell', description: 'Run', inputSchema: { type: 'object' } }];
    const result = await provider.step(messages, tools, { signal: undefined });
    expect(result).toEqual({
      text: 'ok',
      toolCalls: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: 'stop',
    });
    const request = received.at(-1)!;
    expect(request.path).toBe('/echo/chat/completions');
    expect(request.headers.authorization).toBe('Bearer k');
    expect(JSON.parse(request.body)).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'shell', description: 'Run', parameters: { type: 'object' } } }],
      stream: false,
    });
  });

  it.each([
    [
      401,
      '{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}',
      /HTTP 401: Incorrect API key provided/,
    ],
    [404, '{"detail": "model m not found"}', /HTTP 404: model m not found/],
    [500, 'upstream exploded', /HTTP 500: "upstream exploded"/],
    [503, '', /HTTP 503: Service Unavailable/],
  ])('turns HTTP %i into a ProviderHttpError with the server message', async (status, body, pattern) => {
    const provider = providerFor(`status${status}`, (_request, response) => {
      response.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain' });
      response.end(body);
    });
    const failure = provider.step(messages, [], { signal: undefined });
    await expect(failure).rejects.toBeInstanceOf(ProviderHttpError);
    await expect(failure).rejects.toThrow(pattern);
    await expect(failure).rejects.toMatchObject({ code: 'provider-http', status });
  });

  it.each([
    ['html', false, '<html>gateway</html>', /expected a chat completion as JSON, got "<html>gateway<\/html>"/],
    ['no-choices', false, '{"choices": []}', /choices/],
    ['bad-chunk', true, 'data: {not json\n\n', /expected a chat completion chunk as JSON/],
    ['truncated', true, 'data: {"choices":[{"delta":{"content":"par"}}]}\n\n', /ended before the answer was finished/],
    ['stream-error', true, 'data: {"error":{"message":"overloaded"}}\n\n', /server reported an error: overloaded/],
  ])('reports a garbage response (%s) as a ProviderResponseError', async (route, stream, body, pattern) => {
    const provider = providerFor(
      route,
      (_request, response) => {
        response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
        response.end(body);
      },
      { stream },
    );
    const failure = provider.step(messages, [], { signal: undefined });
    await expect(failure).rejects.toBeInstanceOf(ProviderResponseError);
    await expect(failure).rejects.toThrow(pattern);
  });

  it('accumulates streamed tool-call deltas by index and keeps malformed arguments raw', async () => {
    const provider = providerFor('deltas', (_request, response) => {
      const delta = (toolCalls: unknown, finish: string | null = null) =>
        JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: toolCalls }, finish_reason: finish }] });
      sse(response, [
        delta([{ index: 1, id: 'b', type: 'function', function: { name: 'write', arguments: '' } }]),
        delta([{ index: 0, id: 'a', type: 'function', function: { name: 'read', arguments: '{"pa' } }]),
        delta([{ index: 0, function: { arguments: 'th":"x"}' } }]),
        delta([{ index: 1, function: { arguments: '{"path": "y", ' } }], 'tool_calls'),
        '[DONE]',
      ]);
    });
    const result = await provider.step(messages, [], { signal: undefined });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toEqual([
      { id: 'a', name: 'read', arguments: '{"path":"x"}' },
      { id: 'b', name: 'write', arguments: '{"path": "y", ' },
    ]);
    expect(parseToolArguments(result.toolCalls[1]!)).toMatchObject({ ok: false, raw: '{"path": "y", ' });
  });

  it('accepts tool calls without ids and with object arguments, as some local servers send them', async () => {
    const provider = providerFor(
      'lenient',
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            choices: [
              {
                message: {
                  content: null,
                  tool_calls: [
                    { function: { name: 'shell', arguments: { command: 'ls' } } },
                    { id: 'x', function: { name: 'list_files' } },
                  ],
                },
                finish_reason: 'stop',
              },
            ],
          }),
        );
      },
      { stream: false },
    );
    const result = await provider.step(messages, [], { signal: undefined });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toEqual([
      { id: 'call_0', name: 'shell', arguments: '{"command":"ls"}' },
      { id: 'x', name: 'list_files', arguments: '' },
    ]);
  });

  it('reads a JSON answer even when it asked for a stream', async () => {
    const provider = providerFor('ignores-stream', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ choices: [{ message: { content: 'plain' }, finish_reason: 'stop' }] }));
    });
    expect((await provider.step(messages, [], { signal: undefined })).text).toBe('plain');
  });

  it.each([
    ['json', false],
    ['streamed', true],
  ])('keeps one connection across %s answers, and an abort after an answer breaks nothing', async (route, stream) => {
    const sockets = new Set<unknown>();
    const provider = providerFor(
      `keep-alive-${route}`,
      (request, response) => {
        sockets.add(request.socket);
        if (!stream) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ choices: [{ message: { content: 'again' }, finish_reason: 'stop' }] }));
          return;
        }
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end('data: {"choices":[{"delta":{"content":"again"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
      },
      { stream },
    );
    for (let call = 0; call < 3; call++) {
      const controller = new AbortController();
      expect((await provider.step(messages, [], { signal: controller.signal })).text).toBe('again');
      // A halt right after the answer, as the kernel's: it must not break the connection on its way back to the pool.
      controller.abort(new Error('halted after the answer'));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect(sockets.size).toBe(1);
  });

  it('names a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const provider = createOpenAiCompatibleProvider({ model: 'm', baseUrl: `http://127.0.0.1:${port}/v1` });
    const failure = provider.step(messages, [], { signal: undefined });
    await expect(failure).rejects.toBeInstanceOf(ProviderConnectionError);
    await expect(failure).rejects.toThrow(/ECONNREFUSED/);
  });

  it('names a connection that breaks mid-stream', async () => {
    const provider = providerFor('breaks', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"choices":[{"delta":{"content":"a"}}]}\n\n', () => response.socket?.destroy());
    });
    await expect(provider.step(messages, [], { signal: undefined })).rejects.toBeInstanceOf(ProviderConnectionError);
  });

  it('gives up with a ProviderTimeoutError when the server never answers', async () => {
    const provider = providerFor('silent', () => {}, { timeoutMs: 50 });
    await expect(provider.step(messages, [], { signal: undefined })).rejects.toBeInstanceOf(ProviderTimeoutError);
  });

  it('reads the base URL and key from HEED_BASE_URL and HEED_API_KEY, options first', async () => {
    routes.set('from-env', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ choices: [{ message: { content: 'env' }, finish_reason: 'stop' }] }));
    });
    const env = { HEED_BASE_URL: `${origin}/from-env/`, HEED_API_KEY: 'from-env-key' };
    const provider = createOpenAiCompatibleProvider({ model: 'm', stream: false, env });
    expect((await provider.step(messages, [], { signal: undefined })).text).toBe('env');
    expect(received.at(-1)!.headers.authorization).toBe('Bearer from-env-key');
    const keyless = createOpenAiCompatibleProvider({
      model: 'm',
      stream: false,
      env: { HEED_BASE_URL: env.HEED_BASE_URL },
    });
    await keyless.step(messages, [], { signal: undefined });
    expect(received.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('rejects a base URL that is not http(s) and an empty model name', () => {
    expect(() => createOpenAiCompatibleProvider({ model: 'm', baseUrl: 'ftp://x' })).toThrow(InvalidInputError);
    expect(() => createOpenAiCompatibleProvider({ model: 'm', baseUrl: 'not a url' })).toThrow(/not an http\(s\) URL/);
    expect(() => createOpenAiCompatibleProvider({ model: ' ' })).toThrow(/must not be empty/);
  });
});
