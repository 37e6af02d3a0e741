import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { parseToolArguments } from '../parse-tool-arguments.ts';
import type { ChatMessage, ToolSpec } from '../provider.ts';
import { ScriptExhaustedError } from '../provider-errors.ts';
import { loadScriptedFile, parseScriptedText } from './load-scripted-file.ts';
import { createScriptedProvider } from './scripted-provider.ts';

const task: ChatMessage[] = [
  { role: 'system', content: 'You are careful.' },
  { role: 'user', content: 'List the files.' },
];
const listTool: ToolSpec = { name: 'list_files', description: 'List files', inputSchema: { type: 'object' } };

describe('scripted provider', () => {
  it('plays turns in order, sends object and raw-string arguments, and records every call', async () => {
    const provider = createScriptedProvider({
      turns: [
        { toolCalls: [{ name: 'list_files', arguments: { path: '.' } }] },
        { toolCalls: [{ name: 'list_files', arguments: '{"path": ' }] },
        { text: 'Done.' },
      ],
    });
    const first = await provider.step(task, [listTool], { signal: undefined });
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls).toEqual([{ id: 'call_0_0', name: 'list_files', arguments: '{"path":"."}' }]);
    const second = await provider.step(task, [listTool], { signal: undefined });
    expect(parseToolArguments(second.toolCalls[0]!)).toMatchObject({ ok: false, raw: '{"path": ' });
    const third = await provider.step([...task, { role: 'assistant', content: 'x' }], [], { signal: undefined });
    expect(third).toMatchObject({ text: 'Done.', toolCalls: [], finishReason: 'stop' });
    expect(provider.calls).toHaveLength(3);
    expect(provider.calls[0]!.tools).toEqual([listTool]);
    expect(provider.calls[2]!.messages.at(-1)).toEqual({ role: 'assistant', content: 'x' });
    await expect(provider.step(task, [], { signal: undefined })).rejects.toBeInstanceOf(ScriptExhaustedError);
  });

  it('answers from a function turn given the messages, tools and call index', async () => {
    const provider = createScriptedProvider({
      turns: (messages, tools, callIndex) => ({ text: `${callIndex}:${messages.length}:${tools.length}` }),
    });
    expect((await provider.step(task, [listTool], { signal: undefined })).text).toBe('0:2:1');
    expect((await provider.step(task, [], { signal: undefined })).text).toBe('1:2:0');
  });

  it('streams chunks through onTextDelta', async () => {
    const provider = createScriptedProvider({ turns: [{ streamChunks: ['Hel', 'lo'], chunkDelayMs: 1 }] });
    const deltas: string[] = [];
    const result = await provider.step(task, [], { signal: undefined, onTextDelta: (delta) => deltas.push(delta) });
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(result.text).toBe('Hello');
  });

  it('rejects with an AbortError at once when aborted during its delay', async () => {
    const provider = createScriptedProvider({ turns: [{ text: 'late', delayMs: 60_000 }] });
    const controller = new AbortController();
    const pending = provider.step(task, [], { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects at once when aborted between stream chunks, after delivering the earlier ones', async () => {
    const provider = createScriptedProvider({ turns: [{ streamChunks: ['a', 'b'], chunkDelayMs: 60_000 }] });
    const controller = new AbortController();
    const deltas: string[] = [];
    const pending = provider.step(task, [], {
      signal: controller.signal,
      onTextDelta: (delta) => {
        deltas.push(delta);
        controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(deltas).toEqual(['a']);
  });

  it('refuses to start when the signal is already aborted and records no call', async () => {
    const provider = createScriptedProvider({ turns: [{ text: 'never' }] });
    await expect(provider.step(task, [], { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(provider.calls).toHaveLength(0);
  });

  it('checks fixed turns when it is created', () => {
    expect(() => createScriptedProvider({ turns: [{ text: 'ok' }, { delayMs: -5 }] })).toThrow(
      /Invalid scripted turn 1:\n {2}delayMs/,
    );
  });

  it('validates a function turn and names the bad field', async () => {
    const provider = createScriptedProvider({ turns: () => ({ text: 'x', toolCalls: [{ name: '' }] }) });
    await expect(provider.step(task, [], { signal: undefined })).rejects.toThrow(/toolCalls\[0\]\.name/);
  });
});

describe('scripted model files', () => {
  const folder = mkdtempSync(join(tmpdir(), 'heed-scripted-'));

  it('loads YAML and JSON lists of turns', () => {
    const yamlPath = join(folder, 'script.yaml');
    writeFileSync(yamlPath, '- toolCalls:\n    - name: shell\n      arguments: {command: ls}\n- text: Finished.\n');
    expect(loadScriptedFile(yamlPath)).toEqual([
      { toolCalls: [{ name: 'shell', arguments: { command: 'ls' } }] },
      { text: 'Finished.' },
    ]);
    const jsonPath = join(folder, 'script.json');
    writeFileSync(jsonPath, '[{"text": "hi", "delayMs": 5}]');
    expect(loadScriptedFile(jsonPath)).toEqual([{ text: 'hi', delayMs: 5 }]);
  });

  it.each([
    ['{text: hi}', /\(root\): .*array/],
    ['[]', /at least one turn/],
    ['- text: 5', /\[0\]\.text/],
    ['- toolCalls: [{arguments: {}}]', /\[0\]\.toolCalls\[0\]\.name/],
    ['- text: a\n- delayMs: -1', /\[1\]\.delayMs/],
    ['- text: hi\n  colour: red', /\[0\]\.colour: unknown field/],
    ['- text: ab\n  streamChunks: [a, c]', /\[0\]\.streamChunks: text must equal/],
    ['- text: [unclosed', /not valid YAML or JSON at line 1/],
  ])('rejects %j with an error naming the problem', (text, pattern) => {
    expect(() => parseScriptedText(text)).toThrow(InvalidInputError);
    expect(() => parseScriptedText(text)).toThrow(pattern);
  });

  it('names a missing file', () => {
    expect(() => loadScriptedFile(join(folder, 'missing.yaml'))).toThrow(/Cannot read scripted model file .*ENOENT/);
  });
});
