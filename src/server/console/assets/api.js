// The console's calls to heed serve: the session token lives in sessionStorage (this tab only, no cookie) and goes
// in the Authorization header; a refused token sends the principal back to log in.
import { followAuditStream } from './audit-stream.js';

const tokenSlot = 'heed-console-token';
const principalSlot = 'heed-console-principal';

export function session() {
  const token = sessionStorage.getItem(tokenSlot);
  const principal = sessionStorage.getItem(principalSlot);
  return token === null || principal === null ? undefined : { token, principal };
}

/** @param {string} principal @param {string} token */
export function startSession(principal, token) {
  sessionStorage.setItem(tokenSlot, token);
  sessionStorage.setItem(principalSlot, principal);
}

const sessionEvents = new EventTarget();

export function endSession() {
  sessionStorage.removeItem(tokenSlot);
  sessionStorage.removeItem(principalSlot);
  sessionEvents.dispatchEvent(new Event('ended'));
}

/** Calls `listener` when this tab logs out (or its token is refused), so live streams close with the session. */
export function onSessionEnd(/** @type {() => void} */ listener) {
  sessionEvents.addEventListener('ended', listener, { once: true });
}

/**
 * The fleet-wide live audit stream under this tab's session; it stops when the session ends, and a refused token
 * sends the principal back to log in. @param {Omit<Parameters<typeof followAuditStream>[0], 'token' | 'onUnauthorized'>} options
 */
export function followSessionStream(options) {
  const stream = followAuditStream({
    ...options,
    token: () => session()?.token,
    onUnauthorized: () => {
      endSession();
      location.assign('/console/login');
    },
  });
  onSessionEnd(() => stream.stop());
  return stream;
}

export class ApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * One JSON call; a refusal throws ApiError carrying the server's explanation.
 * @param {string} path @param {{ method?: string, body?: unknown }} [init]
 */
export async function callApi(path, init = {}) {
  const current = session();
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (current !== undefined) headers.authorization = `Bearer ${current.token}`;
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, `the server answered ${response.status} without JSON`);
  }
  if (!response.ok) throw new ApiError(response.status, answer?.error ?? `the server answered ${response.status}`);
  return answer;
}

/**
 * The session; without one, the page goes to the login page and this never resolves, so the module stops quietly.
 * @returns {Promise<{ token: string, principal: string }>}
 */
export function requireSession() {
  const current = session();
  if (current !== undefined) return Promise.resolve(current);
  location.assign('/console/login');
  return new Promise(() => {});
}

/** Shows who is logged in, with a way out. */
export function showSession() {
  const slot = document.getElementById('session');
  const current = session();
  if (slot === null || current === undefined) return;
  slot.replaceChildren();
  const who = document.createElement('span');
  who.textContent = current.principal;
  const out = document.createElement('button');
  out.type = 'button';
  out.className = 'secondary';
  out.textContent = 'Log out';
  out.addEventListener('click', () => {
    endSession();
    location.assign('/console/login');
  });
  slot.append(who, ' ', out);
}
