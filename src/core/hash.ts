import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/** One-shot: no Hash object, whose native handle every minor GC would have to finalize. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** The hash of a value's canonical JSON: how heed names an action, an entry or a request. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
