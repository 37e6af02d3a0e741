import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { InvalidInputError } from './heed-error.ts';

// The text form a charter lists: 'ed25519:' + base64url of the 32 raw public-key bytes.
const publicKeyPrefix = 'ed25519:';

export interface Ed25519Jwk {
  [field: string]: unknown;
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d?: string;
}

export interface PrincipalKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateJwk: Ed25519Jwk;
  publicJwk: Ed25519Jwk;
  /** `ed25519:<base64url>` */
  publicKeyText: string;
}

export function generateKeyPair(): PrincipalKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privateJwk = privateKey.export({ format: 'jwk' }) as Ed25519Jwk;
  const publicJwk = publicKey.export({ format: 'jwk' }) as Ed25519Jwk;
  return { privateKey, publicKey, privateJwk, publicJwk, publicKeyText: formatPublicKey(publicKey) };
}

export function formatPublicKey(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' }) as Ed25519Jwk;
  return `${publicKeyPrefix}${jwk.x}`;
}

// 43 base64url characters carry 258 bits for 32 bytes: the last one may only be a character whose two low bits are
// zero, so each key has exactly one spelling (two spellings would count as two principals).
const canonicalKeyText = /^ed25519:[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** True only for the one canonical spelling of a 32-byte key: `ed25519:` and 43 base64url characters. */
export function isPublicKeyText(text: string): boolean {
  return canonicalKeyText.test(text);
}

/** What is wrong with a public key's text form, or undefined when it is a canonical `ed25519:<base64url>`. */
export function publicKeyTextProblem(text: string): string | undefined {
  if (canonicalKeyText.test(text)) return undefined;
  if (!text.startsWith(publicKeyPrefix)) return `must start with '${publicKeyPrefix}'`;
  const encoded = text.slice(publicKeyPrefix.length);
  if (!/^[A-Za-z0-9_-]{43}$/.test(encoded)) {
    return `must be '${publicKeyPrefix}' followed by the base64url (43 characters, no padding) of a 32-byte key`;
  }
  const canonical = Buffer.from(encoded, 'base64url').toString('base64url');
  return `is not in canonical form: its last character '${encoded.at(-1)}' sets bits beyond the 32 key bytes, so the same key could be written several ways; write it as '${publicKeyPrefix}${canonical}'`;
}

/** The 32 key bytes as hex: two texts name the same key exactly when these are equal. */
export function publicKeyBytesHex(text: string): string {
  return Buffer.from(text.slice(publicKeyPrefix.length), 'base64url').toString('hex');
}

/** Parses a canonical `ed25519:<base64url>`; throws InvalidInputError naming what is wrong. */
export function parsePublicKey(text: string): KeyObject {
  const problem = publicKeyTextProblem(text);
  if (problem !== undefined) {
    throw new InvalidInputError(`Public key '${truncate(text)}' ${problem}.`, { code: 'bad-key' });
  }
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: text.slice(publicKeyPrefix.length) },
    format: 'jwk',
  });
}

/** Reads a private Ed25519 JWK (as written by `heed keys new`). */
export function parsePrivateJwk(text: string, source = 'key file'): KeyObject {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${source} is not JSON: ${(error as Error).message}`, {
      cause: error,
      code: 'bad-key',
    });
  }
  const record = (jwk ?? {}) as Partial<Ed25519Jwk>;
  if (
    record.kty !== 'OKP' ||
    record.crv !== 'Ed25519' ||
    typeof record.d !== 'string' ||
    typeof record.x !== 'string'
  ) {
    throw new InvalidInputError(`${source} is not a private Ed25519 JWK (needs kty "OKP", crv "Ed25519", x and d).`, {
      code: 'bad-key',
    });
  }
  try {
    return createPrivateKey({ key: record, format: 'jwk' });
  } catch (error) {
    throw new InvalidInputError(`${source} holds an invalid Ed25519 key: ${(error as Error).message}`, {
      cause: error,
      code: 'bad-key',
    });
  }
}

export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}

export function signBytes(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  return sign(null, data, privateKey);
}

/** False for a bad signature, never a throw: verification is a decision. */
export function verifyBytes(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
