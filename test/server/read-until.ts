import { readServerEvents, type ServerEvent } from '../../src/server/read-server-events.ts';

/** Reads a stream until `done` says so (each event is kept), then ends it. */
export async function readUntil(
  base: string,
  path: string,
  options: { token: string; lastEventId?: string },
  done: (events: readonly ServerEvent[]) => boolean,
): Promise<ServerEvent[]> {
  const events: ServerEvent[] = [];
  const ending = new AbortController();
  for await (const event of readServerEvents(base, path, { ...options, signal: ending.signal })) {
    events.push(event);
    if (done(events)) {
      ending.abort();
      break;
    }
  }
  return events;
}
