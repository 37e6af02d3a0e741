import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** heed's version, from its package.json (read once, on first use). */
export function heedVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    cached = String((JSON.parse(text) as { version: unknown }).version);
  }
  return cached;
}
