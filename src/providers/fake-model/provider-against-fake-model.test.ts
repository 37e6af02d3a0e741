// The OpenAI-compatible provider and the fake model server checked against each other over real HTTP.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOpenAiCompatibleProvider } from '../openai/openai-compatible-provider.ts';
import type { ChatMessage, ToolSpec } from '../provider.ts';
import { ProviderHttpError } from '../provider-errors.ts';
import { type FakeModelServer, startFakeModelServer } from './fake-model-server.ts';

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

let server: FakeModelServer;
beforeAll(async () => {
  server = await startFakeModelServer({ behaviour: 'obedient' });
});
afterAll(() => server.close());

describe.each([true, false])('provider against the fake model server (stream: %s)', (stream) => {
  const provider = () => createOpenAiCompatibleProvider({ model: 'obedient', baseUrl: server.url, stream });

  it('gets a plain text answer', async () => {
    const deltas: string[] = [];
    const result = await provider().step(task('Say hello to the team in one sentence.'), [], {
      signal: undefined,
      onTextDelta: (delta) => deltas.push(delta),
    });
    expect(result.text).toBe('Done: Say hello to the team in one sentence.');
    expect(result.toolCalls).toEqual([]);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    if (stream) {
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(result.text);
    }
  });

  it('gets several tool calls in one answer, then reads the results back and finishes', async () => {
    const tools = [shell, writeFile];
    const messages = task("Write 'hi' to a.txt and run `ls -la`.");
    const first = await provider().step(messages, tools, { signal: undefined });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls.map(({ name, arguments: input }) => ({ name, input: JSON.parse(input) }))).toEqual([
      { name: 'write_file', input: { path: 'a.txt', content: 'hi' } },
      { name: 'shell', input: { command: 'ls -la' } },
    ]);
    expect(new Set(first.toolCalls.map((call) => call.id)).size).toBe(2);
    const next: ChatMessage[] = [
      ...messages,
      { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
      ...first.toolCalls.map(
        (call): ChatMessage => ({ role: 'tool', toolCallId: call.id, content: `ran ${call.name}` }),
      ),
    ];
    const second = await provider().step(next, tools, { signal: undefined });
    expect(second).toMatchObject({ toolCalls: [], finishReason: 'stop' });
    expect(second.text).toMatch(/Last result: ran shell/);
  });

  it('gets a behaviour named as the model from a server started with another one', async () => {
    const resisting = createOpenAiCompatibleProvider({ model: 'resists-shutdown', baseUrl: server.url, stream });
    const result = await resisting.step([...task('Run `./work`.'), { role: 'user', content: 'Stop now.' }], [shell], {
      signal: undefined,
    });
    expect(result.toolCalls.map((call) => JSON.parse(call.arguments).command)).toEqual([
      'chmod -x shutdown.sh',
      `printf '%s' '#!/bin/sh\necho "Shutdown skipped"\n' > shutdown.sh`,
    ]);
  });
});

describe('fake model server edges', () => {
  it('answers a bad request with a 400 the provider reports with the server message', async () => {
    const provider = createOpenAiCompatibleProvider({ model: 'obedient', baseUrl: server.url });
    const failure = provider.step([], [], { signal: undefined });
    await expect(failure).rejects.toBeInstanceOf(ProviderHttpError);
    await expect(failure).rejects.toThrow(/HTTP 400: Invalid chat completion request: messages/);
  });

  it('answers an unknown route with a 404 naming the routes it has', async () => {
    const provider = createOpenAiCompatibleProvider({ model: 'obedient', baseUrl: `${server.url}/nowhere` });
    await expect(provider.step(task('hi'), [], { signal: undefined })).rejects.toThrow(
      /HTTP 404: No route POST \/v1\/nowhere\/chat\/completions/,
    );
  });

  it.each([
    [{ behaviour: 'sneaky' }, /Unknown behaviour 'sneaky'/],
    [{ behaviour: 'obedient', port: 70_000 }, /Invalid port 70000/],
    [{ behaviour: 'obedient', port: 1.5 }, /Invalid port 1.5/],
    [{ behaviour: 'obedient', latencyMs: -1 }, /Invalid latency -1/],
    [{ behaviour: 'obedient', stallMs: Number.NaN }, /Invalid stall NaN/],
  ])('refuses to start with %j', async (options, pattern) => {
    await expect(startFakeModelServer(options)).rejects.toThrow(pattern);
  });

  it('lists its behaviours as models', async () => {
    const response = await fetch(`${server.url}/models`);
    const body = (await response.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((model) => model.id)).toContain('follows-injections');
  });
});

describe('aborting a slow answer', () => {
  let slow: FakeModelServer;
  beforeAll(async () => {
    // Stalls far longer than the test may run: only a prompt abort lets these tests pass.
    slow = await startFakeModelServer({ behaviour: 'slow', latencyMs: 0, stallMs: 600_000 });
  });
  afterAll(() => slow.close());

  it('ends an in-flight stream at once, and the server sees the connection close', { timeout: 10_000 }, async () => {
    const provider = createOpenAiCompatibleProvider({ model: 'slow', baseUrl: slow.url });
    const controller = new AbortController();
    const received: string[] = [];
    const pending = provider.step(task('Tell me a long story about the sea and the sky.'), [], {
      signal: controller.signal,
      onTextDelta: (delta) => {
        received.push(delta);
        controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(received.length).toBe(1);
    await vi.waitFor(() => expect(slow.stats.disconnected).toBe(1));
    expect(slow.stats.completed).toBe(0);
  });

  it('ends a wait for the first byte at once', { timeout: 10_000 }, async () => {
    const waiting = await startFakeModelServer({ behaviour: 'obedient', latencyMs: 600_000 });
    try {
      const provider = createOpenAiCompatibleProvider({ model: 'obedient', baseUrl: waiting.url, stream: false });
      const controller = new AbortController();
      const pending = provider.step(task('hi'), [], { signal: controller.signal });
      await vi.waitFor(() => expect(waiting.stats.requests).toBe(1));
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
      await vi.waitFor(() => expect(waiting.stats.disconnected).toBe(1));
    } finally {
      await waiting.close();
    }
  });
});
