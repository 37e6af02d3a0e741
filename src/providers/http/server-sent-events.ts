import type { IncomingMessage } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** The server-sent events of a response, as they arrive. */
export async function* serverSentEvents(response: IncomingMessage): AsyncGenerator<EventSourceMessage> {
  const parsed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => parsed.push(event) });
  response.setEncoding('utf8');
  // Not destroyed when the reader stops at the end of the answer: the caller drains it, so the connection is kept.
  for await (const chunk of response.iterator({ destroyOnReturn: false })) {
    parser.feed(chunk as string);
    yield* parsed.splice(0);
  }
}
