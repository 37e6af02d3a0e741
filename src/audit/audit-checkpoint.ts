import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.ts';
import {
  formatPublicKey,
  isPublicKeyText,
  parsePublicKey,
  publicKeyOf,
  signBytes,
  verifyBytes,
} from '../core/ed25519.ts';

/** Signatures cover this prefix plus the canonical JSON of `{agent, covers, head}`: never mistakable for an envelope. */
export const checkpointSignaturePrefix = 'heed-audit-checkpoint-v1\n';

/** The data of a `checkpoint` entry: the seq and hash it seals, signed by the agent's key (or null for a keyless store). */
export interface CheckpointData {
  covers: number;
  head: string;
  publicKey: string | null;
  signature: string | null;
}

export interface CheckpointSigner {
  privateKey: KeyObject;
  publicKeyText: string;
}

export function createCheckpointSigner(privateKey: KeyObject): CheckpointSigner {
  return { privateKey, publicKeyText: formatPublicKey(publicKeyOf(privateKey)) };
}

function signedText(agent: string, covers: number, head: string): Buffer {
  return Buffer.from(checkpointSignaturePrefix + canonicalJson({ agent, covers, head }), 'utf8');
}

export function createCheckpointData(
  agent: string,
  covers: number,
  head: string,
  signer: CheckpointSigner | undefined,
): CheckpointData {
  if (signer === undefined) return { covers, head, publicKey: null, signature: null };
  const signature = Buffer.from(signBytes(signer.privateKey, signedText(agent, covers, head))).toString('base64url');
  return { covers, head, publicKey: signer.publicKeyText, signature };
}

export type CheckpointCheck =
  | { ok: true; signed: true; publicKey: string }
  | { ok: true; signed: false }
  | { ok: false; reason: string };

// Parsed keys are cached: a long log holds thousands of checkpoints by the same key.
const keyCache = new Map<string, KeyObject>();

function keyFor(text: string): KeyObject {
  let key = keyCache.get(text);
  if (key === undefined) {
    key = parsePublicKey(text);
    if (keyCache.size > 64) keyCache.clear();
    keyCache.set(text, key);
  }
  return key;
}

/** Checks a checkpoint entry's data against the entry it sits on: it must seal exactly the entry before it. */
export function checkCheckpoint(agent: string, seq: number, prev: string, dataJson: string): CheckpointCheck {
  let data: Partial<CheckpointData>;
  try {
    data = JSON.parse(dataJson) as Partial<CheckpointData>;
  } catch {
    return { ok: false, reason: 'checkpoint data is not JSON' };
  }
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'checkpoint data is not an object' };
  if (data.covers !== seq - 1 || data.head !== prev) {
    return { ok: false, reason: `checkpoint does not seal the entry before it (seq ${seq - 1})` };
  }
  if (data.signature === null && data.publicKey === null) return { ok: true, signed: false };
  if (typeof data.publicKey !== 'string' || !isPublicKeyText(data.publicKey) || typeof data.signature !== 'string') {
    return { ok: false, reason: 'checkpoint signature or public key is malformed' };
  }
  const signature = Buffer.from(data.signature, 'base64url');
  if (!verifyBytes(keyFor(data.publicKey), signedText(agent, data.covers, data.head), signature)) {
    return { ok: false, reason: `checkpoint signature does not verify under ${data.publicKey}` };
  }
  return { ok: true, signed: true, publicKey: data.publicKey };
}
