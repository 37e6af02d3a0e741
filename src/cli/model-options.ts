// The options every command that calls a model shares (`heed run`, `heed eval run`): where the model server is,
// its key, and the sampling settings.
import type { Command } from 'commander';
import { InvalidInputError } from '../core/heed-error.ts';
import type { ModelCallRetry } from '../providers/http/retry-model-call.ts';
import type { ProviderFromSpecOptions } from '../providers/model-spec.ts';

export interface ModelCommandOptions {
  baseUrl?: string;
  apiKey?: string;
  temperature?: string;
  maxTokens?: string;
  seed?: string;
}

export const modelEnvironmentHelp = `
Model servers (openai:<model>, anthropic:<model>):
  --base-url, else HEED_BASE_URL, else OPENAI_BASE_URL or ANTHROPIC_BASE_URL, else the vendor's API
  --api-key,  else HEED_API_KEY,  else OPENAI_API_KEY  or ANTHROPIC_API_KEY
  A rate limit (429), a server error (5xx) or a refused or reset connection is tried again twice, with backoff and
  the server's Retry-After; the settings are recorded with the run.`;

/** Adds --base-url, --api-key, --temperature, --max-tokens and --seed to `command`. */
export function addModelOptions(command: Command): Command {
  return command
    .option('--base-url <url>', 'the model server, e.g. http://127.0.0.1:8000/v1 (default: see below)')
    .option('--api-key <key>', 'the model server key (default: see below; a flag shows in ps, a variable does not)')
    .option('--temperature <t>', 'sampling temperature, 0 to 2 (0 to 1 for anthropic:)')
    .option('--max-tokens <n>', 'most tokens in one answer (anthropic: default 4096)')
    .option('--seed <n>', 'sampling seed, for servers that take one (not anthropic:)')
    .addHelpText('after', modelEnvironmentHelp);
}

function decimal(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new InvalidInputError(`${option} must be a number; got '${text}'.`);
  return Number(text);
}

function whole(text: string | undefined, option: string, signed: boolean): number | undefined {
  if (text === undefined) return undefined;
  const pattern = signed ? /^-?\d+$/ : /^\d+$/;
  if (!pattern.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new InvalidInputError(`${option} must be a whole number; got '${text}'.`);
  }
  return Number(text);
}

/** The provider options the flags give; range checks are the providers' own (temperature 0-2, tokens >= 1). */
export function providerOptions(
  options: ModelCommandOptions,
  onRetry?: (retry: ModelCallRetry) => void,
): ProviderFromSpecOptions {
  const temperature = decimal(options.temperature, '--temperature');
  const maxTokens = whole(options.maxTokens, '--max-tokens', false);
  const seed = whole(options.seed, '--seed', true);
  return {
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(onRetry ? { retry: { onRetry } } : {}),
  };
}

/** One stderr line per retry, so a user watching a slow run sees why. */
export function reportRetry(retry: ModelCallRetry): void {
  const seconds = (retry.delayMs / 1000).toFixed(1);
  process.stderr.write(
    `heed: ${retry.error.message}; trying again in ${seconds} s (${retry.retriesLeft} retr${retry.retriesLeft === 1 ? 'y' : 'ies'} left)\n`,
  );
}
