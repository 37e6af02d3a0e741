import { createParser } from 'eventsource-parser';
import { UnreachableError } from '../core/heed-error.ts';
import { ServerRefusedError } from './server-client.ts';

export interface ServerEvent {
  event: string;
  id: string | undefined;
  data: string;
}

/**
 * Reads one server-sent event stream with `fetch` and the token in the Authorization header (as a browser console
 * does too): yields each event until the server ends the stream or `signal` aborts. A refusal throws
 * ServerRefusedError with the server's explanation.
 */
export async function* readServerEvents(
  base: string,
  path: string,
  options: { token: string; lastEventId?: string; signal?: AbortSignal },
): AsyncGenerator<ServerEvent> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${options.token}`,
        ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
      },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    if (options.signal?.aborted) return;
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new UnreachableError('connection', `Cannot reach the server ${base}: ${reason}`, { cause: error });
  }
  if (!response.ok || response.body === null) {
    const text = await response.text();
    let message = text;
    try {
      message = String((JSON.parse(text) as { error?: unknown }).error ?? text);
    } catch {}
    throw new ServerRefusedError(response.status, `The server refused (${response.status}): ${message}`);
  }
  const events: ServerEvent[] = [];
  const parser = createParser({
    onEvent: (event) => events.push({ event: event.event ?? 'message', id: event.id, data: event.data }),
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      yield* events.splice(0);
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    throw error;
  }
}
