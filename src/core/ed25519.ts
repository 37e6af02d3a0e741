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

export function isPublicKeyText(text: string): boolean {
  return /^ed25519:[A-Za-z0-9_-]{43}$/.test(text);
}

/** Parses `ed25519:<base64url>`; throws InvalidInputError naming what is wrong. */
export function parsePublicKey(text: string): KeyObject {
  if (!text.startsWith(publicKeyPrefix)) {
    throw new InvalidInputError(`Public key '${truncate(text)}' must start with '${publicKeyPrefix}'.`, {
      code: 'bad-key',
    });
  }
  const encoded = text.slice(publicKeyPrefix.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded) || Buffer.from(encoded, 'base64url').length !== 32) {
    throw new InvalidInputError(
      `Public key '${truncate(text)}' must be 'ed25519:' followed by the base64url of exactly 32 bytes.`,
      { code: 'bad-key' },
    );
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: encoded }, format: 'jwk' });
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
