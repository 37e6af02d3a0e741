import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../core/heed-error.ts';
import { parseWithSchema } from '../core/parse-with-schema.ts';
import { parseYamlOrJson } from '../core/parse-yaml-or-json.ts';
import { type Charter, charterSchema } from './charter-schema.ts';

export function parseCharter(value: unknown, source = 'charter'): Charter {
  return parseWithSchema(charterSchema, value, source);
}

export function loadCharterText(text: string, source = 'charter'): Charter {
  return parseCharter(parseYamlOrJson(text, source), source);
}

export function loadCharterFile(path: string): Charter {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read charter ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
        code: 'io',
      },
    );
  }
  return loadCharterText(text, `charter ${path}`);
}
