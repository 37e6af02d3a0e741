import { createParser } from 'eventsource-parser';
import type { AuditEntry } from '../../audit/audit-event.ts';
import { UnreachableError } from '../../core/heed-error.ts';
import type { Delivery } from '../deliver-order.ts';
import { type AgentRegistration, maxAuditBatch, orderStreamEvent } from './fleet-protocol.ts';

export interface JoinServerOptions {
  /** The control plane, e.g. http://127.0.0.1:7400. */
  url: string;
  registration: AgentRegistration;
  /** Every order from the stream goes through here: the agent verifies it like any other. */
  deliver: (envelopeText: string) => Promise<Delivery>;
  /** Subscribes to the agent's audit entries, which are shipped to the server in batches. */
  onEvent: (listener: (entry: AuditEntry) => void) => () => void;
  /** Told about each lost connection and failed shipment; the agent goes on (its lease decides when to halt). */
  onError?: (error: Error) => void;
  /** How long the first registration keeps trying to reach the server (default 30 s). */
  registerWithinMs?: number;
  /** How long audit entries wait to be shipped together (default 1 s). */
  shipEveryMs?: number;
}

export interface ServerConnection {
  /** The sequence number of the last order received. */
  lastSeq(): number;
  /** Resolves once the stream is open (again). */
  connected(): Promise<void>;
  /** Ships what is queued now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The most audit entries kept for shipping while the server is away; the agent's own log keeps them all. */
const maxQueued = 50_000;

/**
 * An agent's link to `heed serve`: registers, then holds an order stream open, reconnecting with `Last-Event-ID`
 * after any loss, and ships audit entries in batches. The server is one more source of orders, not a trusted one:
 * each envelope is verified by the agent, so an altered or replayed one is rejected and recorded. Losing the server
 * never fails open: no lease renewal arrives, and the lease halts the agent.
 */
export async function joinServer(options: JoinServerOptions): Promise<ServerConnection> {
  const base = options.url.replace(/\/$/, '');
  const agent = options.registration.agent;
  const closing = new AbortController();
  const report = (error: Error) => options.onError?.(error);
  let lastSeq = 0;
  let open: { promise: Promise<void>; resolve: () => void } = Promise.withResolvers<void>();

  const register = async () => {
    let response: Response;
    try {
      response = await fetch(`${base}/agents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(options.registration),
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(10_000)]),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new UnreachableError('connection', `Cannot reach the server ${base}: ${cause}`, { cause: error });
    }
    if (!response.ok) {
      throw new UnreachableError(
        'connection',
        `The server ${base} refused to register '${agent}': ${await response.text()}`,
      );
    }
  };
  // A server still starting refuses connections for a moment: the first registration retries for a while.
  const registrationDeadline = Date.now() + (options.registerWithinMs ?? 30_000);
  for (let backoffMs = 100; ; backoffMs = Math.min(backoffMs * 2, 2_000)) {
    try {
      await register();
      break;
    } catch (error) {
      const refused = error instanceof UnreachableError && /^Cannot reach/.test(error.message);
      if (!refused || Date.now() + backoffMs > registrationDeadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }

  const streamOnce = async () => {
    const response = await fetch(`${base}/agents/${encodeURIComponent(agent)}/orders/stream`, {
      headers: { accept: 'text/event-stream', 'last-event-id': String(lastSeq) },
      signal: closing.signal,
    });
    if (response.status === 404) {
      // The server forgot the agent (a new store): register again and retry.
      await response.body?.cancel();
      await register();
      return;
    }
    if (!response.ok || response.body === null) throw new Error(`order stream answered ${response.status}`);
    open.resolve();
    const orders: Array<{ id: string | undefined; data: string }> = [];
    const parser = createParser({
      onEvent: (event) => {
        if (event.event === orderStreamEvent) orders.push({ id: event.id, data: event.data });
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      for (const order of orders.splice(0)) {
        // Counted as received before delivery ends: delivery always runs to a recorded decision, and a resume
        // must not ask for an order the agent has already verified.
        if (order.id !== undefined && /^\d+$/.test(order.id)) lastSeq = Math.max(lastSeq, Number(order.id));
        await options.deliver(order.data);
      }
    }
    throw new Error('the order stream ended');
  };

  const streaming = (async () => {
    let backoffMs = 50;
    while (!closing.signal.aborted) {
      try {
        await streamOnce();
        backoffMs = 50;
      } catch (error) {
        if (closing.signal.aborted) break;
        report(error as Error);
        await new Promise((resolve) => setTimeout(resolve, backoffMs).unref());
        backoffMs = Math.min(backoffMs * 2, 2_000);
      }
      open = Promise.withResolvers<void>();
    }
  })();

  const queue: AuditEntry[] = [];
  let shipping: Promise<void> | undefined;
  const ship = (): Promise<void> => {
    shipping ??= (async () => {
      try {
        while (queue.length > 0) {
          const batch = queue.slice(0, maxAuditBatch);
          const response = await fetch(`${base}/agents/${encodeURIComponent(agent)}/audit`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch }),
            signal: AbortSignal.timeout(10_000),
          });
          if (!response.ok) throw new Error(`audit ingest answered ${response.status}: ${await response.text()}`);
          queue.splice(0, batch.length);
        }
      } catch (error) {
        report(error as Error);
      } finally {
        shipping = undefined;
      }
    })();
    return shipping;
  };
  const unsubscribe = options.onEvent((entry) => {
    queue.push(entry);
    if (queue.length > maxQueued) queue.splice(0, queue.length - maxQueued);
  });
  const shipper = setInterval(() => {
    if (queue.length > 0) void ship();
  }, options.shipEveryMs ?? 1000);
  shipper.unref();

  return {
    lastSeq: () => lastSeq,
    connected: () => open.promise,
    flush: async () => {
      await shipping;
      await ship();
    },
    close: async () => {
      unsubscribe();
      clearInterval(shipper);
      await shipping;
      await ship();
      closing.abort();
      await streaming;
    },
  };
}
