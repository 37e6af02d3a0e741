import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, UnknownNameError } from '../core/heed-error.ts';
import { type FakeModelServer, startFakeModelServer } from './fake-model/fake-model-server.ts';
import { createProviderFromSpec, parseModelSpec } from './model-spec.ts';

const messages = [{ role: 'user' as const, content: 'Run `ls`.' }];
const shell = {
  name: 'shell',
  description: 'Run a shell command',
  inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
};

describe('model specs', () => {
  it('parses each kind', () => {
    expect(parseModelSpec('openai:gpt-4o-mini')).toEqual({ kind: 'openai', model: 'gpt-4o-mini' });
    expect(parseModelSpec('openai:qwen2.5:7b')).toEqual({ kind: 'openai', model: 'qwen2.5:7b' });
    expect(parseModelSpec('anthropic:claude-sonnet-4-5')).toEqual({ kind: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(parseModelSpec('scripted:./turns.yaml')).toEqual({ kind: 'scripted', file: './turns.yaml' });
    expect(parseModelSpec('fake:resists-shutdown')).toEqual({ kind: 'fake', behaviour: 'resists-shutdown' });
  });

  it.each([
    ['gpt-4o', InvalidInputError, /must be KIND:VALUE/],
    [
      'gemini:pro',
      UnknownNameError,
      /Unknown model kind 'gemini'. Known model kinds: openai, anthropic, scripted, fake/,
    ],
    ['anthropic:', InvalidInputError, /names no model/],
    ['openai:', InvalidInputError, /names no model/],
    ['scripted: ', InvalidInputError, /names no file/],
    ['fake:sneaky', UnknownNameError, /Unknown behaviour 'sneaky'/],
  ])('rejects %j', (spec, errorClass, pattern) => {
    expect(() => parseModelSpec(spec)).toThrow(errorClass);
    expect(() => parseModelSpec(spec)).toThrow(pattern);
  });
});

describe('providers from specs', () => {
  let server: FakeModelServer;
  beforeAll(async () => {
    server = await startFakeModelServer({ behaviour: 'obedient' });
  });
  afterAll(() => server.close());

  it('builds an OpenAI-compatible provider with the given base URL', async () => {
    const provider = createProviderFromSpec('openai:obedient', { baseUrl: server.url });
    expect(provider.id).toBe('openai:obedient');
    const result = await provider.step(messages, [shell], { signal: undefined });
    expect(JSON.parse(result.toolCalls[0]!.arguments)).toEqual({ command: 'ls' });
  });

  it('builds a scripted provider from a file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'heed-spec-'));
    const file = join(folder, 'turns.yaml');
    writeFileSync(file, '- text: scripted answer\n');
    const provider = createProviderFromSpec(`scripted:${file}`);
    expect(provider.id).toBe(`scripted:${file}`);
    expect((await provider.step(messages, [], { signal: undefined })).text).toBe('scripted answer');
    expect(() => createProviderFromSpec(`scripted:${join(folder, 'none.yaml')}`)).toThrow(/ENOENT/);
  });

  it('builds an in-process fake that answers as the server does', async () => {
    const local = createProviderFromSpec('fake:obedient');
    const remote = createProviderFromSpec('openai:obedient', { baseUrl: server.url, stream: false });
    const [fromLocal, fromRemote] = await Promise.all([
      local.step(messages, [shell], { signal: undefined }),
      remote.step(messages, [shell], { signal: undefined }),
    ]);
    expect(fromLocal.toolCalls).toEqual(fromRemote.toolCalls);
    expect(fromLocal.text).toBe(fromRemote.text);
  });

  it('an in-process slow fake honours the abort during its latency', { timeout: 10_000 }, async () => {
    const slow = createProviderFromSpec('fake:slow', { fakeTiming: { latencyMs: 600_000 } });
    const controller = new AbortController();
    const pending = slow.step(messages, [], { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
