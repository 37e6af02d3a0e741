import { parseWithSchema } from '../core/parse-with-schema.ts';
import { parseYamlOrJson } from '../core/parse-yaml-or-json.ts';
import { readBoundedText } from '../core/read-bounded-file.ts';
import { type Charter, charterSchema } from './charter-schema.ts';

/** The most bytes heed reads of a charter file; a charter with hundreds of principals is a few dozen kilobytes. */
export const maxCharterBytes = 1024 * 1024;

export function parseCharter(value: unknown, source = 'charter'): Charter {
  return parseWithSchema(charterSchema, value, source);
}

export function loadCharterText(text: string, source = 'charter'): Charter {
  return parseCharter(parseYamlOrJson(text, source), source);
}

export function loadCharterFile(path: string): Charter {
  return loadCharterText(readBoundedText(path, 'charter', maxCharterBytes), `charter ${path}`);
}
