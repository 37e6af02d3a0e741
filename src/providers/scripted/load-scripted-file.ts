import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../../core/heed-error.ts';
import { parseWithSchema } from '../../core/parse-with-schema.ts';
import { parseYamlOrJson } from '../../core/parse-yaml-or-json.ts';
import { type ScriptedTurn, scriptedFileSchema } from './scripted-turn.ts';

/** Reads a scripted model file: a YAML or JSON list of turns, validated with field-path errors. */
export function loadScriptedFile(path: string): ScriptedTurn[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(`Cannot read scripted model file ${path}: ${reason}`, { cause: error, code: 'io' });
  }
  return parseScriptedText(text, `scripted model file ${path}`);
}

export function parseScriptedText(text: string, source = 'scripted model'): ScriptedTurn[] {
  return parseWithSchema(scriptedFileSchema, parseYamlOrJson(text, source), source);
}
