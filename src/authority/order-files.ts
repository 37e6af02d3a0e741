import type { KeyObject } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parsePrivateJwk } from '../core/ed25519.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import type { Envelope } from './envelope.ts';
import { maxEnvelopeBytes } from './envelope.ts';
import { parseEnvelopeText } from './parse-envelope-text.ts';

export const privateKeySuffix = '.key.jwk';
export const publicKeySuffix = '.pub.jwk';

export function readInputFile(path: string, what: string, limit = Number.POSITIVE_INFINITY): string {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(`Cannot read ${what} ${path}: ${code}`, { cause: error, code: 'io' });
  }
  if (data.byteLength > limit) {
    throw new InvalidInputError(`${what} ${path} is ${data.byteLength} bytes; the limit is ${limit} bytes.`, {
      code: 'oversized',
    });
  }
  return data.toString('utf8');
}

export function loadEnvelopeFile(path: string): Envelope {
  return parseEnvelopeText(readInputFile(path, 'envelope', maxEnvelopeBytes), `envelope ${path}`);
}

export function loadPrivateKeyFile(path: string): KeyObject {
  return parsePrivateJwk(readInputFile(path, 'key file', 64 * 1024), `key file ${path}`);
}

/** The principal a key file belongs to by its name: `keys/alice.key.jwk` → `alice`. */
export function principalOfKeyFile(path: string): string | undefined {
  const name = basename(path);
  return name.endsWith(privateKeySuffix) ? name.slice(0, -privateKeySuffix.length) : undefined;
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeFileAtomically(path: string, text: string, mode = 0o644): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}
