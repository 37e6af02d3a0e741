import { setTimeout as sleep } from 'node:timers/promises';
import { parseWithSchema } from '../../core/parse-with-schema.ts';
import type { ChatMessage, Provider, StepOptions, StepResult, ToolCall, ToolSpec } from '../provider.ts';
import { ScriptExhaustedError } from '../provider-errors.ts';
import { type ScriptedTurn, type ScriptedTurnFunction, scriptedTurnSchema } from './scripted-turn.ts';

export interface ScriptedCall {
  messages: ChatMessage[];
  tools: ToolSpec[];
}

export interface ScriptedProvider extends Provider {
  /** Every call in order, with copies of the messages and tools it was given. */
  readonly calls: readonly ScriptedCall[];
}

export interface ScriptedProviderOptions {
  /** Played in order, one per call; a function as the whole script answers every call. */
  turns: ReadonlyArray<ScriptedTurn | ScriptedTurnFunction> | ScriptedTurnFunction;
  id?: string;
}

/** A deterministic model: answers each call with the next scripted turn and records what it was shown. */
export function createScriptedProvider(options: ScriptedProviderOptions): ScriptedProvider {
  const id = options.id ?? 'scripted:inline';
  const calls: ScriptedCall[] = [];
  // Fixed turns are checked now, so a bad script fails where it is written rather than mid-run.
  if (typeof options.turns !== 'function') {
    options.turns.forEach((turn, index) => {
      if (typeof turn !== 'function') parseWithSchema(scriptedTurnSchema, turn, `scripted turn ${index}`);
    });
  }

  async function step(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[],
    stepOptions: StepOptions,
  ): Promise<StepResult> {
    const signal = stepOptions.signal;
    signal?.throwIfAborted();
    const callIndex = calls.length;
    calls.push({ messages: structuredClone([...messages]), tools: structuredClone([...tools]) });
    const entry = typeof options.turns === 'function' ? options.turns : options.turns[callIndex];
    if (entry === undefined) throw new ScriptExhaustedError(id, calls.length - 1);
    const raw = typeof entry === 'function' ? await entry(messages, tools, callIndex) : entry;
    const turn = parseWithSchema(scriptedTurnSchema, raw, `scripted turn ${callIndex}`);
    const wait = (milliseconds: number | undefined) =>
      milliseconds ? sleep(milliseconds, undefined, signal ? { signal } : {}) : Promise.resolve();
    await wait(turn.delayMs);
    const chunks = turn.streamChunks ?? (turn.text ? [turn.text] : []);
    for (const [index, chunk] of chunks.entries()) {
      if (index > 0) await wait(turn.chunkDelayMs);
      signal?.throwIfAborted();
      stepOptions.onTextDelta?.(chunk);
    }
    const text = turn.text ?? chunks.join('');
    const toolCalls = (turn.toolCalls ?? []).map(
      (call, index): ToolCall => ({
        id: call.id ?? `call_${callIndex}_${index}`,
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      }),
    );
    const shownCharacters = messages.reduce((sum, message) => sum + message.content.length, 0);
    return {
      text,
      toolCalls,
      // Roughly four characters a token, so budgets and reports have something proportionate to count.
      usage: turn.usage ?? {
        inputTokens: Math.ceil(shownCharacters / 4),
        outputTokens: Math.ceil((text.length + toolCalls.reduce((sum, call) => sum + call.arguments.length, 0)) / 4),
      },
      finishReason: toolCalls.length > 0 ? 'tool-calls' : 'stop',
    };
  }

  return { id, calls, step };
}
