import canonicalize from 'canonicalize';
import { InvalidInputError } from './heed-error.ts';

/** RFC 8785 (JCS) canonical JSON: the one byte form that is signed and hashed. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new InvalidInputError('Value has no canonical JSON form (undefined or a function).');
  return text;
}
