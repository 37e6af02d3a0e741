import { createHash, type KeyObject } from 'node:crypto';
import { verifyBytes } from '../core/ed25519.ts';
import { RecentlyUsed } from '../core/recently-used.ts';

/**
 * Remembers Ed25519 signatures that verified, so the same signed bytes checked by many agents in one process (a
 * fleet order verified by every member) cost one verification, not one per agent.
 *
 * It memoizes a pure function and nothing else: an entry is keyed by a SHA-256 of the exact inputs of the check (the
 * canonical public key text, the 64 signature bytes and the signed bytes), so a different key, signature or message
 * misses and is verified afresh. Only successes are kept, so failures cannot fill it. Every other check
 * (addressee, expiry, replay, roster, revocation, roles, quorum) stays with each agent's own verification.
 */
export class VerifiedSignatures {
  readonly #verified: RecentlyUsed<string, true>;

  constructor(capacity = 4096) {
    this.#verified = new RecentlyUsed(capacity);
  }

  /**
   * `verifyBytes(key, data, signature)`, answered from memory when these exact inputs verified before.
   * `keyText` must be the canonical `ed25519:` text of `key` (a roster's principal key and its parsed form).
   */
  verify(key: KeyObject, keyText: string, data: Uint8Array, signature: Uint8Array): boolean {
    if (signature.length !== 64) return false;
    // Fixed-length fields before the message: no two different inputs hash the same bytes.
    const digest = createHash('sha256')
      .update(Buffer.byteLength(keyText).toString(16).padStart(4, '0'))
      .update(keyText)
      .update(signature)
      .update(data)
      .digest('base64');
    if (this.#verified.get(digest)) return true;
    if (!verifyBytes(key, data, signature)) return false;
    this.#verified.set(digest, true);
    return true;
  }

  get size(): number {
    return this.#verified.size;
  }
}

/** One per process: every agent's authority shares it. */
export const processVerifiedSignatures = new VerifiedSignatures();
