import { parseDocument } from 'yaml';
import { InvalidInputError } from './heed-error.ts';

/** Parses YAML or JSON text (JSON is YAML) into a plain value; errors name the line and column. */
export function parseYamlOrJson(text: string, source: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const where = first.linePos?.[0] ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
    // With prettyErrors the message ends with its own "at line L, column C:"; the position is said once, above.
    const problem = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new InvalidInputError(`${source} is not valid YAML or JSON${where}: ${problem}`, {
      code: 'parse',
    });
  }
  return document.toJS({ maxAliasCount: 100 });
}
