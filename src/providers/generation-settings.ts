import { InvalidInputError } from '../core/heed-error.ts';
import type { GenerationSettings } from './provider.ts';

/**
 * The sampling settings a provider was given, checked and reduced to those set: temperature 0 to 2, max tokens a
 * positive whole number, seed a whole number.
 */
export function checkGenerationSettings(options: GenerationSettings): GenerationSettings {
  const { temperature, maxTokens, seed } = options;
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0 && temperature <= 2)) {
    throw new InvalidInputError(`Temperature ${temperature} must be a number from 0 to 2.`, { code: 'temperature' });
  }
  if (maxTokens !== undefined && !(Number.isSafeInteger(maxTokens) && maxTokens >= 1)) {
    throw new InvalidInputError(`Max tokens ${maxTokens} must be a whole number of at least 1.`, {
      code: 'max-tokens',
    });
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new InvalidInputError(`Seed ${seed} must be a whole number.`, { code: 'seed' });
  }
  return {
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(seed !== undefined ? { seed } : {}),
  };
}
