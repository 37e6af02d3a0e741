import type { KeyObject } from 'node:crypto';
import type { Envelope } from '../authority/envelope.ts';
import { groupAddressPrefix } from '../authority/verify-envelope.ts';
import { signBytes } from '../core/ed25519.ts';
import { HeedError, InvalidInputError, UnreachableError } from '../core/heed-error.ts';
import { challengePrefix } from './principal-auth.ts';

/** The server answered with an error; `status` is its HTTP status and the message its explanation. */
export class ServerRefusedError extends HeedError {
  readonly status: number;
  constructor(status: number, message: string) {
    super('server-refused', message);
    this.status = status;
  }
}

/** Checks a server URL given on a command line or in code: http(s), no path. */
export function serverBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInputError(`'${text}' is not a URL; expected e.g. http://127.0.0.1:7400 (heed serve).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidInputError(`'${text}' must be an http:// or https:// URL.`);
  }
  return url.href.replace(/\/$/, '');
}

/** One JSON call to the server; a refusal throws ServerRefusedError with the server's explanation. */
export async function callServer<T>(
  base: string,
  path: string,
  init: { method?: string; body?: string; token?: string; timeoutMs?: number } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      },
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new UnreachableError('connection', `Cannot reach the server ${base}: ${reason}`, { cause: error });
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new ServerRefusedError(
      response.status,
      `The server answered ${response.status} with no JSON: ${text.slice(0, 200)}`,
    );
  }
  if (!response.ok) {
    const message = (answer as { error?: unknown }).error;
    throw new ServerRefusedError(
      response.status,
      `The server refused (${response.status}): ${String(message ?? text)}`,
    );
  }
  return answer as T;
}

/** Logs a principal in: asks for a challenge, signs it with the principal's key, trades it for a short-lived token. */
export async function loginToServer(base: string, principal: string, privateKey: KeyObject): Promise<string> {
  const { challenge } = await callServer<{ challenge: string }>(base, '/auth/challenge', {
    method: 'POST',
    body: JSON.stringify({ principal }),
  });
  const signature = Buffer.from(signBytes(privateKey, Buffer.from(challengePrefix + challenge, 'utf8'))).toString(
    'base64url',
  );
  const { token } = await callServer<{ token: string }>(base, '/auth/token', {
    method: 'POST',
    body: JSON.stringify({ principal, challenge, signature }),
  });
  return token;
}

export interface SubmittedOrder {
  seq: number;
  target: string;
  id: string;
  members?: number;
}

/** Submits a signed envelope to the route its `agent` field names: one agent, or a group (a fleet order). */
export function submitEnvelope(base: string, envelopeText: string, token?: string): Promise<SubmittedOrder> {
  let envelope: Pick<Envelope, 'agent'>;
  try {
    envelope = JSON.parse(envelopeText) as Envelope;
  } catch (error) {
    throw new InvalidInputError(`The envelope is not JSON: ${(error as Error).message}`);
  }
  const agent = typeof envelope?.agent === 'string' ? envelope.agent : '';
  const path = agent.startsWith(groupAddressPrefix)
    ? `/groups/${encodeURIComponent(agent.slice(groupAddressPrefix.length))}/orders`
    : `/agents/${encodeURIComponent(agent)}/orders`;
  return callServer<SubmittedOrder>(base, path, {
    method: 'POST',
    body: envelopeText,
    ...(token === undefined ? {} : { token }),
  });
}
