import type { KeyObject } from 'node:crypto';
import { loadPrivateKeyFile, principalOfKeyFile } from '../../authority/order-files.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { loginToServer, serverBaseUrl } from '../../server/server-client.ts';

/** The server a command talks to: --server, else HEED_SERVER. */
export function resolveServer(option: string | undefined): string {
  const text = option ?? process.env.HEED_SERVER;
  if (text === undefined || text === '') {
    throw new InvalidInputError('Give the server with --server URL (or HEED_SERVER), e.g. http://127.0.0.1:7400.');
  }
  return serverBaseUrl(text);
}

/** A principal's key file and the principal it names (or --principal). */
export function principalKey(
  keyFile: string,
  principal: string | undefined,
): { principal: string; privateKey: KeyObject } {
  const name = principal ?? principalOfKeyFile(keyFile);
  if (name === undefined)
    throw new InvalidInputError(`Cannot tell the principal from key file ${keyFile}; pass --principal ID.`);
  return { principal: name, privateKey: loadPrivateKeyFile(keyFile) };
}

/** Logs in with a principal's key for a command that reads from the server. */
export async function loginWithKeyFile(server: string, keyFile: string | undefined, principal: string | undefined) {
  if (keyFile === undefined) {
    throw new InvalidInputError(
      "Reading from the server needs --key FILE: a principal's key, to log in with (no passwords).",
    );
  }
  const key = principalKey(keyFile, principal);
  return loginToServer(server, key.principal, key.privateKey);
}
