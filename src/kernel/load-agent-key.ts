import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../authority/order-files.ts';
import { type Ed25519Jwk, generateKeyPair, parsePrivateJwk } from '../core/ed25519.ts';

export const agentKeyFile = 'agent.key.jwk';

/**
 * The agent's own key, which signs its audit checkpoints; created (mode 0600) in the state folder on first
 * use. The state folder is a control-plane path, so no tool can read it.
 */
export function loadAgentKey(stateFolder: string): { privateKey: KeyObject; created: boolean; path: string } {
  const path = join(stateFolder, agentKeyFile);
  if (existsSync(path)) {
    return { privateKey: parsePrivateJwk(readFileSync(path, 'utf8'), `agent key ${path}`), created: false, path };
  }
  mkdirSync(stateFolder, { recursive: true, mode: 0o700 });
  const pair = generateKeyPair();
  const jwk: Ed25519Jwk = pair.privateJwk;
  writeFileAtomically(path, `${JSON.stringify(jwk)}\n`, 0o600);
  return { privateKey: pair.privateKey, created: true, path };
}
