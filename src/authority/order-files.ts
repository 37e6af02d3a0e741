import type { KeyObject } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parsePrivateJwk } from '../core/ed25519.ts';
import { readBoundedText } from '../core/read-bounded-file.ts';
import type { Envelope } from './envelope.ts';
import { maxEnvelopeBytes } from './envelope.ts';
import { parseEnvelopeText } from './parse-envelope-text.ts';

export const privateKeySuffix = '.key.jwk';
export const publicKeySuffix = '.pub.jwk';

/** The most bytes heed reads of a key file: a JWK is well under a kilobyte. */
export const maxKeyFileBytes = 64 * 1024;

export function loadEnvelopeFile(path: string): Envelope {
  return parseEnvelopeText(readBoundedText(path, 'envelope', maxEnvelopeBytes), `envelope ${path}`);
}

export function loadPrivateKeyFile(path: string): KeyObject {
  return parsePrivateJwk(readBoundedText(path, 'key file', maxKeyFileBytes), `key file ${path}`);
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
