// The live audit streams of heed serve, read with fetch: the session token travels in the Authorization header, which
// EventSource cannot send. The client resumes from the last event id after a drop, backs off while the server cannot
// be reached, and stops for good on a refused token, on a request it cannot repeat (4xx), or when told to.

/** @typedef {{ event: string, data: string, id: string | undefined }} ServerSentEvent */

/** Parses text/event-stream as it arrives (the WHATWG rules: data lines joined, comments skipped, last id kept). */
export class ServerSentEventParser {
  constructor() {
    this.buffer = '';
    /** @type {string[]} */
    this.data = [];
    this.event = '';
    /** @type {string | undefined} */
    this.id = undefined;
    /** The id to resume after: the last `id` field seen, whether or not its event carried data. */
    /** @type {string | undefined} */
    this.lastEventId = undefined;
  }

  /** @param {string} text @returns {ServerSentEvent[]} */
  push(text) {
    this.buffer += text;
    /** @type {ServerSentEvent[]} */
    const events = [];
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (end === -1 || (this.buffer[end] === '\r' && end === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + (this.buffer.startsWith('\r\n', end) ? 2 : 1));
      const dispatched = this.line(line);
      if (dispatched !== undefined) events.push(dispatched);
    }
    return events;
  }

  /** @param {string} line @returns {ServerSentEvent | undefined} */
  line(line) {
    if (line === '') {
      const dispatched =
        this.data.length === 0
          ? undefined
          : { event: this.event || 'message', data: this.data.join('\n'), id: this.id };
      this.data = [];
      this.event = '';
      return dispatched;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) {
      this.id = value;
      this.lastEventId = value;
    }
    return undefined;
  }
}

/**
 * Follows one audit stream (`/audit/stream` or `/agents/:id/audit/stream`) until `stop()`. Each `entry` event goes to
 * `onEntry({agent, entry})`; `live` says the history the server held has all been sent; `verification` carries an
 * agent's chain status. `onConnection` hears 'open', 'retrying' (with the delay) and 'stopped' (with the reason).
 * @param {{
 *   path: string,
 *   token: () => string | undefined,
 *   onEntry: (item: { agent: string, entry: any }) => void,
 *   onLive?: (through: number) => void,
 *   onVerification?: (item: { agent: string, verification: any, anchor: any }) => void,
 *   onConnection?: (state: 'open' | 'retrying' | 'stopped', detail: string) => void,
 *   onUnauthorized?: () => void,
 *   minDelayMs?: number,
 *   maxDelayMs?: number,
 *   fetch?: typeof fetch,
 * }} options
 */
export function followAuditStream(options) {
  const minDelayMs = options.minDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 15_000;
  const fetchStream = options.fetch ?? ((input, init) => fetch(input, init));
  const control = new AbortController();
  /** @type {string | undefined} */
  let lastEventId;
  let failures = 0;
  let stopped = false;

  /** @param {string} reason */
  const stop = (reason) => {
    if (stopped) return;
    stopped = true;
    control.abort();
    options.onConnection?.('stopped', reason);
  };

  /** @param {ServerSentEvent} message */
  const dispatch = (message) => {
    const data = JSON.parse(message.data);
    if (message.event === 'entry') options.onEntry(data);
    else if (message.event === 'live') options.onLive?.(data.through);
    else if (message.event === 'verification') options.onVerification?.(data);
  };

  /** One connection: resolves when the server ends it or it fails; what to do next is the loop's choice. */
  const connect = async () => {
    const token = options.token();
    if (token === undefined) return { retry: false, reason: 'logged out' };
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const response = await fetchStream(options.path, { headers, signal: control.signal, cache: 'no-store' });
    if (response.status === 401) {
      await response.body?.cancel();
      options.onUnauthorized?.();
      return { retry: false, reason: 'the server refused the session token' };
    }
    if (!response.ok || response.body === null) {
      const text = await response.text().catch(() => '');
      let reason = `the server answered ${response.status}`;
      try {
        reason = JSON.parse(text).error ?? reason;
      } catch {}
      // A 4xx names a request that will not work however often it is repeated; a 5xx may pass.
      const lasting =
        response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      return { retry: !lasting, reason };
    }
    failures = 0;
    options.onConnection?.('open', options.path);
    const parser = new ServerSentEventParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const message of parser.push(value)) {
        dispatch(message);
        // Advanced only once the event was handled, so a resumed stream never skips one.
        if (message.id !== undefined) lastEventId = message.id;
      }
    }
    return { retry: true, reason: 'the server ended the stream' };
  };

  const run = async () => {
    while (!stopped) {
      /** @type {{ retry: boolean, reason: string }} */
      let outcome;
      try {
        outcome = await connect();
      } catch (error) {
        if (stopped) return;
        outcome = { retry: true, reason: /** @type {Error} */ (error).message };
      }
      if (stopped) return;
      if (!outcome.retry) {
        stop(outcome.reason);
        return;
      }
      // Exponential back-off with jitter, so replicas coming back are not met by every console at once.
      const delay = Math.min(maxDelayMs, minDelayMs * 2 ** failures) * (0.75 + Math.random() * 0.5);
      failures += 1;
      options.onConnection?.('retrying', `${outcome.reason}; again in ${Math.round(delay)} ms`);
      await new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve(undefined);
        };
        const timer = setTimeout(() => {
          control.signal.removeEventListener('abort', wake);
          resolve(undefined);
        }, delay);
        control.signal.addEventListener('abort', wake, { once: true });
      });
    }
  };
  const running = run();
  return {
    stop: () => stop('stopped'),
    /** Settles once the stream has stopped for good. */
    done: running,
    /** The feed position it would resume after. */
    position: () => lastEventId,
  };
}
