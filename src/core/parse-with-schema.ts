import type { z } from 'zod';
import { InvalidInputError } from './heed-error.ts';

/** Renders a zod issue path as `principals[1].key`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(root)' : text;
}

export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? issue.keys : undefined;
    if (issue.code === 'unrecognized_keys' && keys) {
      return keys.map((key) => `${formatIssuePath([...issue.path, key])}: unknown field`).join('\n');
    }
    return `${formatIssuePath(issue.path)}: ${issue.message}`;
  });
}

/** Validates `value`; on failure throws an InvalidInputError whose message names every bad field path. */
export function parseWithSchema<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(`Invalid ${what}:\n  ${describeIssues(result.error).join('\n  ')}`, {
    code: 'schema',
    cause: result.error,
  });
}
