import type { KeyObject } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { loadPrivateKeyFile, writeFileAtomically } from '../authority/order-files.ts';
import { generateKeyPair } from '../core/ed25519.ts';

export interface AgentKey {
  privateKey: KeyObject;
  path: string;
  /** How the key came to be at `path` this time: found there, made now, or moved from the state folder. */
  origin: 'found' | 'created' | 'moved';
}

/**
 * The agent's own key, which signs its audit checkpoints: kept in the keys folder (protected from tools like the
 * other keys, mode 0600), not beside the log, so a copy of the state folder cannot re-sign a rewritten log. Made on
 * first use; one an older heed left in the state folder (`legacyPath`) is moved, so earlier checkpoints keep their key.
 */
export function loadAgentKey(path: string, legacyPath?: string): AgentKey {
  if (!existsSync(path) && legacyPath !== undefined && existsSync(legacyPath)) {
    try {
      renameSync(legacyPath, path);
    } catch {
      // Another file system: copy, then remove the old one.
      copyFileSync(legacyPath, path);
      rmSync(legacyPath);
    }
    return { privateKey: loadPrivateKeyFile(path), path, origin: 'moved' };
  }
  if (existsSync(path)) return { privateKey: loadPrivateKeyFile(path), path, origin: 'found' };
  const pair = generateKeyPair();
  writeFileAtomically(path, `${JSON.stringify(pair.privateJwk)}\n`, 0o600);
  return { privateKey: pair.privateKey, path, origin: 'created' };
}
