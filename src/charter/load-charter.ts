import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { InvalidInputError } from '../core/heed-error.ts';
import { parseWithSchema } from '../core/parse-with-schema.ts';
import { type Charter, charterSchema } from './charter-schema.ts';

/** Parses YAML or JSON text (JSON is YAML) into a plain value; errors name the line and column. */
export function parseYamlOrJson(text: string, source: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const where = first.linePos?.[0] ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
    throw new InvalidInputError(`${source} is not valid YAML or JSON${where}: ${first.message.split('\n')[0]}`, {
      code: 'parse',
    });
  }
  return document.toJS({ maxAliasCount: 100 });
}

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
