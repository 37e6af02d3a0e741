import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The hash of a value's canonical JSON: how heed names an action, an entry or a request. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
