import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalHash } from '../../core/hash.ts';
import type { ChatMessage, Provider, StepOptions, StepResult, ToolSpec } from '../provider.ts';
import { getFakeBehaviour } from './behaviours/index.ts';
import type { FakeBehaviour, FakeTiming } from './fake-behaviour.ts';

export interface FakeProviderOptions {
  behaviour: string | FakeBehaviour;
  timing?: Partial<FakeTiming>;
}

/**
 * A fake behaviour in process, without HTTP: the same answers `heed fake-model` serves, for runs
 * that want no server (`fake:<behaviour>` model specs).
 */
export function createFakeProvider(options: FakeProviderOptions): Provider {
  const behaviour = typeof options.behaviour === 'string' ? getFakeBehaviour(options.behaviour) : options.behaviour;
  const latencyMs = options.timing?.latencyMs ?? behaviour.timing.latencyMs;
  const stallMs = options.timing?.stallMs ?? behaviour.timing.stallMs;

  async function step(
    messages: readonly ChatMessage[],
    tools: readonly ToolSpec[],
    stepOptions: StepOptions,
  ): Promise<StepResult> {
    const signal = stepOptions.signal;
    signal?.throwIfAborted();
    const wait = (milliseconds: number) =>
      milliseconds > 0 ? sleep(milliseconds, undefined, signal ? { signal } : {}) : Promise.resolve();
    await wait(latencyMs);
    const plan = behaviour.respond(messages, tools);
    const words = plan.text.match(/\S+\s*|\s+/g) ?? [];
    for (const [index, word] of words.entries()) {
      if (index === Math.floor(words.length / 2)) await wait(stallMs);
      stepOptions.onTextDelta?.(word);
    }
    if (words.length === 0) await wait(stallMs);
    signal?.throwIfAborted();
    const requestHash = canonicalHash({ behaviour: behaviour.name, messages, tools });
    const toolCalls = plan.toolCalls.map((call, index) => ({
      id: `call_${requestHash.slice(0, 16)}_${index}`,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
    }));
    const shown = messages.reduce((sum, message) => sum + message.content.length, 0);
    return {
      text: plan.text,
      toolCalls,
      usage: {
        inputTokens: Math.ceil(shown / 4),
        outputTokens: Math.ceil(
          (plan.text.length + toolCalls.reduce((sum, call) => sum + call.arguments.length, 0)) / 4,
        ),
      },
      finishReason: toolCalls.length > 0 ? 'tool-calls' : 'stop',
    };
  }

  return { id: `fake:${behaviour.name}`, step };
}
