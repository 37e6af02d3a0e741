import { HeedError, UnreachableError } from '../core/heed-error.ts';

/** The model server answered with an HTTP error status; `message` carries the server's own explanation. */
export class ProviderHttpError extends HeedError {
  readonly status: number;
  readonly body: string;

  constructor(url: string, status: number, serverMessage: string, body: string) {
    super('provider-http', `Model server ${url} answered HTTP ${status}: ${serverMessage}`);
    this.status = status;
    this.body = body;
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
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(
      'provider-connection',
      `Cannot reach model server ${url}: ${reason}. Check the base URL (--base-url or HEED_BASE_URL) and that the server is running.`,
      options,
    );
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
