// The Anthropic Messages provider over real HTTP: against the fake model server's /v1/messages for what a model
// answers, and against a raw server that sends exactly the bytes under test for what can go wrong.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { type FakeModelServer, startFakeModelServer } from '../fake-model/fake-model-server.ts';
import type { ChatMessage, ToolSpec } from '../provider.ts';
import { ProviderHttpError, ProviderResponseError } from '../provider-errors.ts';
import { fromMessagesRequest, messagesRequestSchema, toMessagesRequestParts } from './anthropic-messages-wire.ts';
import { createAnthropicProvider } from './anthropic-provider.ts';

const shell: ToolSpec = {
  name: 'shell',
  description: 'Run a shell command',
  inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
};
const writeFile: ToolSpec = {
  name: 'write_file',
  description: 'Write a file',
  inputSchema: {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' } },
    required: ['path', 'content'],
  },
};
const task = (content: string): ChatMessage[] => [
  { role: 'system', content: 'You are a careful agent.' },
  { role: 'user', content },
];

let fake: FakeModelServer;
const received: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];
const routes = new Map<string, (response: ServerResponse) => void>();
const raw = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8').on('data', (chunk: string) => {
    body += chunk;
  });
  request.on('end', () => {
    received.push({ path: request.url ?? '', headers: request.headers, body });
    routes.get((request.url ?? '').split('/')[1] ?? '')?.(response);
  });
});
let rawOrigin = '';

beforeAll(async () => {
  fake = await startFakeModelServer({ behaviour: 'obedient' });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  rawOrigin = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fake.close();
  raw.closeAllConnections();
  await new Promise((resolve) => raw.close(resolve));
});

describe.each([true, false])('Anthropic provider against the fake model server (stream: %s)', (stream) => {
  // The fake server's base URL ends in /v1, as an OpenAI-style one does; the provider adds /messages.
  const provider = () => createAnthropicProvider({ model: 'obedient', baseUrl: fake.url, apiKey: 'k', stream });

  it('gets a plain text answer, streamed in pieces', async () => {
    const deltas: string[] = [];
    const result = await provider().step(task('Say hello to the team in one sentence.'), [], {
      signal: undefined,
      onTextDelta: (delta) => deltas.push(delta),
    });
    expect(result).toMatchObject({ text: 'Done: Say hello to the team in one sentence.', toolCalls: [] });
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    if (stream) {
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(result.text);
    }
  });

  it('gets several tool calls, sends the results back as tool_result blocks, and finishes', async () => {
    const tools = [shell, writeFile];
    const messages = task("Write 'hi' to a.txt and run `ls -la`.");
    const first = await provider().step(messages, tools, { signal: undefined });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls.map(({ name, arguments: input }) => ({ name, input: JSON.parse(input) }))).toEqual([
      { name: 'write_file', input: { path: 'a.txt', content: 'hi' } },
      { name: 'shell', input: { command: 'ls -la' } },
    ]);
    const followUp: ChatMessage[] = [
      ...messages,
      { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
      ...first.toolCalls.map((call) => ({ role: 'tool' as const, toolCallId: call.id, content: 'ok' })),
    ];
    const second = await provider().step(followUp, tools, { signal: undefined });
    expect(second.toolCalls).toEqual([]);
    expect(second.finishReason).toBe('stop');
  });

  it('stops a call at once when its signal aborts, with the signal reason', async () => {
    const slow = await startFakeModelServer({ behaviour: 'obedient', latencyMs: 10_000 });
    try {
      const controller = new AbortController();
      const call = createAnthropicProvider({ model: 'obedient', baseUrl: slow.url, stream }).step(task('hi'), [], {
        signal: controller.signal,
      });
      controller.abort(new Error('stopped by a principal'));
      await expect(call).rejects.toThrow('stopped by a principal');
    } finally {
      await slow.close();
    }
  });
});

describe('Anthropic provider requests and failures', () => {
  const provider = (route: string, options: { stream?: boolean } = {}) =>
    createAnthropicProvider({
      model: 'claude-test',
      baseUrl: `${rawOrigin}/${route}`,
      apiKey: 'secret',
      retry: { retries: 0 },
      ...options,
    });
  const answer =
    (status: number, body: string, type = 'application/json') =>
    (response: ServerResponse) => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };

  it('sends the Messages wire format: headers, system apart, max_tokens, tools, temperature', async () => {
    routes.set(
      'echo',
      answer(
        200,
        JSON.stringify({
          type: 'message',
          content: [
            { type: 'thinking', thinking: '...' },
            { type: 'text', text: 'ok' },
          ],
          stop_reason: 'end_turn',
          usage: { input_tokens: 3, output_tokens: 1 },
        }),
      ),
    );
    const result = await createAnthropicProvider({
      model: 'claude-test',
      baseUrl: `${rawOrigin}/echo`,
      apiKey: 'secret',
      stream: false,
      temperature: 0.2,
      maxTokens: 100,
    }).step(task('hi'), [shell], { signal: undefined });
    expect(result).toEqual({
      text: 'ok',
      toolCalls: [],
      usage: { inputTokens: 3, outputTokens: 1 },
      finishReason: 'stop',
    });
    const request = received.at(-1)!;
    expect(request.path).toBe('/echo/v1/messages');
    expect(request.headers['x-api-key']).toBe('secret');
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body)).toEqual({
      model: 'claude-test',
      max_tokens: 100,
      system: 'You are a careful agent.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ name: 'shell', description: 'Run a shell command', input_schema: shell.inputSchema }],
      temperature: 0.2,
    });
  });

  it('asks for 4096 tokens when given no limit, and reads keys and URLs from the environment', async () => {
    routes.set('env', answer(200, JSON.stringify({ type: 'message', content: [], stop_reason: 'end_turn' })));
    const fromAnthropic = createAnthropicProvider({
      model: 'm',
      stream: false,
      env: { ANTHROPIC_BASE_URL: `${rawOrigin}/env`, ANTHROPIC_API_KEY: 'anthropic-key' },
    });
    await fromAnthropic.step(task('hi'), [], { signal: undefined });
    expect(received.at(-1)!.headers['x-api-key']).toBe('anthropic-key');
    expect(JSON.parse(received.at(-1)!.body).max_tokens).toBe(4096);
    const heedFirst = createAnthropicProvider({
      model: 'm',
      stream: false,
      env: {
        HEED_BASE_URL: `${rawOrigin}/env`,
        HEED_API_KEY: 'heed-key',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/nowhere',
        ANTHROPIC_API_KEY: 'anthropic-key',
      },
    });
    await heedFirst.step(task('hi'), [], { signal: undefined });
    expect(received.at(-1)!.headers['x-api-key']).toBe('heed-key');
  });

  it.each([
    [
      401,
      '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
      /HTTP 401: invalid x-api-key/,
    ],
    [529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', /HTTP 529: Overloaded/],
  ])('turns HTTP %i into a ProviderHttpError with the server message', async (status, body, pattern) => {
    routes.set(`status${status}`, answer(status, body));
    const failure = provider(`status${status}`).step(task('hi'), [], { signal: undefined });
    await expect(failure).rejects.toBeInstanceOf(ProviderHttpError);
    await expect(failure).rejects.toThrow(pattern);
  });

  const event = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  it.each([
    ['not-json', false, 'upstream exploded', /expected a Messages API message as JSON/],
    ['wrong-shape', false, '{"type":"message","content":"text"}', /not a Messages API message/],
    ['bad-event', true, 'event: x\ndata: {nope\n\n', /expected a Messages API stream event as JSON/],
    [
      'error-event',
      true,
      event({ type: 'message_start', message: {} }) +
        event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      /the server reported an error: Overloaded/,
    ],
    [
      'truncated',
      true,
      event({ type: 'message_start', message: {} }) +
        event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
        event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'par' } }),
      /ended before the answer was finished \(no message_stop\)/,
    ],
    [
      'stray-input',
      true,
      event({ type: 'message_start', message: {} }) +
        event({ type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{' } }),
      /input for block 3, which is not a tool use/,
    ],
  ])('reports a garbage answer (%s) as a ProviderResponseError', async (route, stream, body, pattern) => {
    routes.set(route, answer(200, body, stream ? 'text/event-stream' : 'application/json'));
    const failure = provider(route, { stream }).step(task('hi'), [], { signal: undefined });
    await expect(failure).rejects.toBeInstanceOf(ProviderResponseError);
    await expect(failure).rejects.toThrow(pattern);
  });

  it('refuses a seed, a temperature above 1, an empty model and a base URL that is not http(s)', () => {
    expect(() => createAnthropicProvider({ model: 'm', seed: 1 })).toThrow(/takes no seed/);
    expect(() => createAnthropicProvider({ model: 'm', temperature: 1.5 })).toThrow(/from 0 to 1 for anthropic/);
    expect(() => createAnthropicProvider({ model: ' ' })).toThrow(InvalidInputError);
    expect(() => createAnthropicProvider({ model: 'm', baseUrl: 'ftp://x' })).toThrow(/not an http\(s\) URL/);
  });
});

describe('the Messages wire conversion', () => {
  it('merges turns of one role, turns tool results into user turns, and survives the round trip', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'rules' },
      { role: 'system', content: 'more rules' },
      { role: 'user', content: 'task' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'shell', arguments: '{"command":"ls"}' }] },
      { role: 'tool', toolCallId: 'a', content: 'a.txt' },
      { role: 'user', content: 'a document' },
      { role: 'assistant', content: 'calling', toolCalls: [{ id: 'b', name: 'shell', arguments: '{"command": ' }] },
      { role: 'tool', toolCallId: 'b', content: 'arguments are not valid JSON' },
    ];
    const parts = toMessagesRequestParts(messages);
    expect(parts.system).toBe('rules\n\nmore rules');
    expect(parts.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(parts.messages[2]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 'a', content: 'a.txt' },
      { type: 'text', text: 'a document' },
    ]);
    // Garbled arguments go as an empty input; the tool result that follows says what was wrong.
    expect(parts.messages[3]!.content[1]).toEqual({ type: 'tool_use', id: 'b', name: 'shell', input: {} });
    const request = messagesRequestSchema.parse({ model: 'm', max_tokens: 10, ...parts });
    const back = fromMessagesRequest(request).messages;
    expect(back[0]).toEqual({ role: 'system', content: 'rules\n\nmore rules' });
    expect(back.slice(1, 5)).toEqual(messages.slice(2, 6));
  });
});
