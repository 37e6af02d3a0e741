import { parseWithSchema } from '../../core/parse-with-schema.ts';
import { parseYamlOrJson } from '../../core/parse-yaml-or-json.ts';
import { readBoundedText } from '../../core/read-bounded-file.ts';
import { type ScriptedTurn, scriptedFileSchema } from './scripted-turn.ts';

/** The most bytes heed reads of a scripted model file. */
export const maxScriptedFileBytes = 16 * 1024 * 1024;

/** Reads a scripted model file: a YAML or JSON list of turns, validated with field-path errors. */
export function loadScriptedFile(path: string): ScriptedTurn[] {
  const text = readBoundedText(path, 'scripted model file', maxScriptedFileBytes);
  return parseScriptedText(text, `scripted model file ${path}`);
}

export function parseScriptedText(text: string, source = 'scripted model'): ScriptedTurn[] {
  return parseWithSchema(scriptedFileSchema, parseYamlOrJson(text, source), source);
}
