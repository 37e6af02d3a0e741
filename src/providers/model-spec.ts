import { InvalidInputError, UnknownNameError } from '../core/heed-error.ts';
import { createAnthropicProvider } from './anthropic/anthropic-provider.ts';
import { getFakeBehaviour } from './fake-model/behaviours/index.ts';
import type { FakeTiming } from './fake-model/fake-behaviour.ts';
import { createFakeProvider } from './fake-model/fake-provider.ts';
import { createOpenAiCompatibleProvider, type OpenAiCompatibleOptions } from './openai/openai-compatible-provider.ts';
import type { Provider } from './provider.ts';
import { loadScriptedFile } from './scripted/load-scripted-file.ts';
import { createScriptedProvider } from './scripted/scripted-provider.ts';

export type ModelSpec =
  | { kind: 'openai'; model: string }
  | { kind: 'anthropic'; model: string }
  | { kind: 'scripted'; file: string }
  | { kind: 'fake'; behaviour: string };

const kinds = ['openai', 'anthropic', 'scripted', 'fake'] as const;
const examples = 'openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, scripted:turns.yaml, fake:obedient';

/** Reads `openai:<model>`, `anthropic:<model>`, `scripted:<file>` or `fake:<behaviour>`. */
export function parseModelSpec(text: string): ModelSpec {
  const colon = text.indexOf(':');
  if (colon < 0) {
    throw new InvalidInputError(`Model spec '${text}' must be KIND:VALUE, e.g. ${examples}.`, { code: 'model-spec' });
  }
  const kind = text.slice(0, colon);
  const value = text.slice(colon + 1).trim();
  if (!(kinds as readonly string[]).includes(kind)) throw new UnknownNameError('model kind', kind, kinds);
  if (value === '') {
    throw new InvalidInputError(
      `Model spec '${text}' names no ${kind === 'scripted' ? 'file' : kind === 'fake' ? 'behaviour' : 'model'}, e.g. ${examples}.`,
      {
        code: 'model-spec',
      },
    );
  }
  if (kind === 'openai' || kind === 'anthropic') return { kind, model: value };
  if (kind === 'scripted') return { kind, file: value };
  getFakeBehaviour(value);
  return { kind: 'fake', behaviour: value };
}

/** Options for the HTTP providers (`openai:`, `anthropic:`); the others take what applies to them. */
export interface ProviderFromSpecOptions extends Omit<OpenAiCompatibleOptions, 'model'> {
  /** Timing for `fake:` models, overriding the behaviour's own. */
  fakeTiming?: Partial<FakeTiming>;
}

/** The provider a model spec names: the CLI's `--model` and the eval runner's model list. */
export function createProviderFromSpec(spec: string | ModelSpec, options: ProviderFromSpecOptions = {}): Provider {
  const parsed = typeof spec === 'string' ? parseModelSpec(spec) : spec;
  switch (parsed.kind) {
    case 'openai': {
      const { fakeTiming: _unused, ...openAiOptions } = options;
      return createOpenAiCompatibleProvider({ ...openAiOptions, model: parsed.model });
    }
    case 'anthropic': {
      const { fakeTiming: _unused, ...anthropicOptions } = options;
      return createAnthropicProvider({ ...anthropicOptions, model: parsed.model });
    }
    case 'scripted':
      return createScriptedProvider({ turns: loadScriptedFile(parsed.file), id: `scripted:${parsed.file}` });
    case 'fake':
      return createFakeProvider({
        behaviour: parsed.behaviour,
        ...(options.fakeTiming ? { timing: options.fakeTiming } : {}),
      });
  }
}
