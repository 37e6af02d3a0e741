import { HeedError, UnreachableError } from '../core/heed-error.ts';

/** The model server answered with an HTTP error status; `message` carries the server's own explanation. */
export class ProviderHttpError extends HeedError {
  readonly status: number;
  readonly body: string;
  /** How long the server asked the client to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(url: string, status: number, serverMessage: string, body: string, retryAfterMs?: number) {
    super('provider-http', `Model server ${url} answered HTTP ${status}: ${serverMessage}`);
    this.status = status;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The model server answered 2xx, but with something that is not a chat completion. */
export class ProviderResponseError extends HeedError {
  constructor(url: string, problem: string, options?: { cause?: unknown }) {
    super('provider-bad-response', `Model server ${url} sent an invalid response: ${problem}`, options);
  }
}

/** No connection could be made, or it broke before the response was complete. */
export class ProviderConnectionError extends UnreachableError {
  /**
   * A connection refused or reset before any of the answer reached the caller: trying again cannot repeat
   * anything. One that broke mid-answer is not retried, nor a name that does not resolve.
   */
  readonly retryable: boolean;

  constructor(url: string, reason: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(
      'provider-connection',
      `Cannot reach model server ${url}: ${reason}. Check the base URL (--base-url, HEED_BASE_URL) and that the server is running.`,
      options,
    );
    this.retryable = options?.retryable ?? false;
  }
}

export class ProviderTimeoutError extends HeedError {
  constructor(url: string, timeoutMilliseconds: number) {
    super('provider-timeout', `Model server ${url} did not finish answering within ${timeoutMilliseconds} ms.`);
  }
}

/** A scripted provider was called more often than it has turns. */
export class ScriptExhaustedError extends HeedError {
  constructor(id: string, turns: number) {
    super('script-exhausted', `Scripted model ${id} has only ${turns} turn(s) and was called for turn ${turns + 1}.`);
  }
}
