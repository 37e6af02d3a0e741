import type { KeyObject } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createParser } from 'eventsource-parser';
import type { AuditEntry } from '../../audit/audit-event.ts';
import { InvalidInputError, UnreachableError } from '../../core/heed-error.ts';
import type { Delivery } from '../deliver-order.ts';
import {
  type AgentRegistration,
  agentRegistrationAnswerSchema,
  maxAuditBatch,
  orderStreamEvent,
  type ShippedAnchor,
  signRegistration,
  tokenStreamEvent,
} from './fleet-protocol.ts';
import type { OrderCursor } from './order-cursor-file.ts';
import { ShipmentLane } from './shipment-lane.ts';

export interface JoinServerOptions {
  /** The control plane, e.g. http://127.0.0.1:7400. */
  url: string;
  registration: AgentRegistration;
  /** The agent's own private key (its public key is `registration.publicKey`): signs each registration. */
  agentKey?: KeyObject;
  /** The key the server pinned before, when it is not `agentKey`: signs for the change (a key rotation). */
  previousAgentKey?: KeyObject;
  /** Where the last order received is kept between runs (the agent's state folder); without it, in memory. */
  cursor?: OrderCursor;
  /** Every order from the stream goes through here: the agent verifies it like any other. */
  deliver: (envelopeText: string) => Promise<Delivery>;
  /** Subscribes to the agent's audit entries, which are shipped to the server in batches. */
  onEvent: (listener: (entry: AuditEntry) => void) => () => void;
  /** Told about each lost connection and failed shipment; the agent goes on (its lease decides when to halt). */
  onError?: (error: Error) => void;
  /** How long the first registration keeps trying to reach the server (default 30 s). */
  registerWithinMs?: number;
  /** At most how long audit entries wait to be shipped together (default 1 s; each wait is half to all of it). */
  shipEveryMs?: number;
}

export interface ServerConnection {
  /** The sequence number of the last order received. */
  lastSeq(): number;
  /** Resolves once the stream is open (again). */
  connected(): Promise<void>;
  /** Ships what is queued now. */
  flush(): Promise<void>;
  /**
   * Ships a `checkpoint` entry of the agent's log, and its signature as the agent's anchor once the entries it seals
   * are shipped, so the server can tell a cut tail.
   */
  anchor(checkpoint: AuditEntry): void;
  /** Closes the order stream: no order is taken after it resolves. Shipping goes on until `close`. */
  stopOrders(): Promise<void>;
  /** Ships what is queued (and the pending anchor), then ends the link. */
  close(): Promise<void>;
}

/** The most audit entries kept for shipping while the server is away; the agent's own log keeps them all. */
const maxQueued = 50_000;
const shipmentLane = new ShipmentLane();

/**
 * Opens the long-lived order stream on a connection of its own (not in fetch's shared pool, where a process holding
 * many agents' streams would make every other request search past them all).
 */
function openOrderStream(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const target = new URL(url);
  const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
    headers,
    signal,
    agent: false,
  });
  return new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
}

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
  if ((options.registration.publicKey === null) !== (options.agentKey === undefined)) {
    throw new InvalidInputError(
      `Joining a server, agent '${agent}' needs its key to sign its registration exactly when the registration names one.`,
    );
  }
  let lastSeq = 0;
  let storeId: string | undefined;
  let token = '';
  let open: { promise: Promise<void>; resolve: () => void } = Promise.withResolvers<void>();

  const post = async (path: string, body: unknown): Promise<Response> => {
    try {
      return await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(10_000)]),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new UnreachableError('connection', `Cannot reach the server ${base}: ${cause}`, { cause: error });
    }
  };
  const refused = async (response: Response) =>
    new UnreachableError(
      'connection',
      `The server ${base} refused (${response.status}) to register '${agent}': ${await response.text()}`,
    );
  // Signed by the agent's key over a fresh challenge, so a registration can neither be forged nor replayed; the answer
  // is the token every other call carries and the point the order stream resumes after.
  const register = async () => {
    const registration = options.registration;
    let signed: Record<string, string> = {};
    if (options.agentKey !== undefined) {
      const challenged = await post('/auth/challenge', { agent });
      if (!challenged.ok) throw await refused(challenged);
      const { challenge } = (await challenged.json()) as { challenge: string };
      signed = {
        challenge,
        signature: signRegistration(options.agentKey, challenge, registration),
        ...(options.previousAgentKey === undefined
          ? {}
          : { pinnedKeySignature: signRegistration(options.previousAgentKey, challenge, registration) }),
      };
    }
    const response = await post('/agents', { registration, ...signed });
    if (!response.ok) throw await refused(response);
    const answer = agentRegistrationAnswerSchema.safeParse(await response.json());
    if (!answer.success) {
      throw new UnreachableError('connection', `The server ${base} answered the registration with something else`);
    }
    token = answer.data.token;
    if (storeId === undefined) {
      // A cursor kept from this very store resumes where the agent left off; one from another store means nothing.
      const kept = options.cursor?.load();
      lastSeq = kept !== undefined && kept.store === answer.data.store ? kept.seq : 0;
    } else if (storeId !== answer.data.store) {
      lastSeq = 0;
    }
    storeId = answer.data.store;
    lastSeq = Math.max(lastSeq, answer.data.resumeAfter);
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
    const response = await openOrderStream(
      `${base}/agents/${encodeURIComponent(agent)}/orders/stream`,
      { accept: 'text/event-stream', 'last-event-id': String(lastSeq), authorization: `Bearer ${token}` },
      closing.signal,
    );
    if (response.statusCode === 404 || response.statusCode === 401) {
      // The server forgot the agent (a new store), or the token ran out while the agent was away: register again.
      response.destroy();
      await register();
      return;
    }
    if (response.statusCode !== 200) {
      response.destroy();
      throw new Error(`order stream answered ${response.statusCode}`);
    }
    open.resolve();
    const orders: Array<{ id: string | undefined; data: string }> = [];
    const parser = createParser({
      onEvent: (event) => {
        if (event.event === orderStreamEvent) orders.push({ id: event.id, data: event.data });
        else if (event.event === tokenStreamEvent) {
          const renewed = JSON.parse(event.data) as { token?: unknown };
          if (typeof renewed.token === 'string') token = renewed.token;
        }
      },
    });
    response.setEncoding('utf8');
    for await (const chunk of response) {
      parser.feed(chunk as string);
      for (const order of orders.splice(0)) {
        // Counted as received before delivery ends: delivery always runs to a recorded decision, and a resume
        // must not ask for an order the agent has already verified.
        if (order.id !== undefined && /^\d+$/.test(order.id)) lastSeq = Math.max(lastSeq, Number(order.id));
        await shipmentLane.takingOrder(() => options.deliver(order.data));
        if (storeId !== undefined) {
          try {
            options.cursor?.save(storeId, lastSeq);
          } catch (error) {
            report(error as Error);
          }
        }
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

  const shipEveryMs = options.shipEveryMs ?? 1000;
  const queue: AuditEntry[] = [];
  let shippedThrough = 0;
  let pendingAnchor: ShippedAnchor | undefined;
  // Calls the server with the agent's token; a 401 (the token ran out) registers again and retries once.
  const callAsAgent = async (path: string, bodyJson: string, what: string): Promise<void> => {
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(`${base}/agents/${encodeURIComponent(agent)}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: bodyJson,
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 401 && attempt === 0) {
        await response.body?.cancel();
        await register();
        continue;
      }
      // The answer is read to its end, so the connection goes back to the pool for the next call.
      const answer = await response.text();
      if (!response.ok) throw new Error(`${what} answered ${response.status}: ${answer}`);
      return;
    }
  };
  let shipping: Promise<void> | undefined;
  const shipQueued = async (): Promise<void> => {
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxAuditBatch);
        // Orders first: no shipment starts while any agent in this process is taking an order.
        await shipmentLane.shipping(() => callAsAgent('/audit', JSON.stringify({ events: batch }), 'audit ingest'));
        queue.splice(0, batch.length);
        for (const entry of batch) shippedThrough = Math.max(shippedThrough, entry.seq);
      }
      // An anchor goes once the entry it seals is on the server: until then the server would see a cut tail.
      const anchor = pendingAnchor;
      if (anchor !== undefined && shippedThrough >= anchor.seq - 1) {
        await callAsAgent('/anchors', JSON.stringify(anchor), 'anchor ingest');
        if (pendingAnchor === anchor) pendingAnchor = undefined;
      }
    } catch (error) {
      report(error as Error);
    }
  };
  // Cleared once the shipment has settled, never before it is set: one with nothing to ship ends without waiting,
  // and clearing it from inside would leave a settled shipment in place that every later call takes for the current.
  const ship = (): Promise<void> => {
    shipping ??= shipQueued().finally(() => {
      shipping = undefined;
    });
    return shipping;
  };
  // Armed by the first entry queued and fired once, so an idle agent keeps no timer; entries wait half to one
  // interval, at random, so a fleet that recorded one order together does not ship to the server all at once.
  let shipTimer: NodeJS.Timeout | undefined;
  const scheduleShipment = () => {
    shipTimer ??= setTimeout(
      () => {
        shipTimer = undefined;
        void ship().then(() => {
          if (queue.length > 0 || pendingAnchor !== undefined) scheduleShipment();
        });
      },
      shipEveryMs * (0.5 + Math.random() / 2),
    ).unref();
  };
  // Entries arrive here once committed to the agent's own log: nothing is shipped that the agent has not recorded.
  const unsubscribe = options.onEvent((entry) => {
    queue.push(entry);
    if (queue.length > maxQueued) queue.splice(0, queue.length - maxQueued);
    scheduleShipment();
  });

  return {
    lastSeq: () => lastSeq,
    connected: () => open.promise,
    anchor: (checkpoint) => {
      queue.push(checkpoint);
      scheduleShipment();
      const data = checkpoint.data as { head?: unknown; signature?: unknown };
      if (typeof data.head !== 'string' || typeof data.signature !== 'string') return;
      if (pendingAnchor !== undefined && pendingAnchor.seq > checkpoint.seq) return;
      pendingAnchor = { seq: checkpoint.seq, hash: checkpoint.hash, head: data.head, signature: data.signature };
    },
    flush: async () => {
      await shipping;
      await ship();
    },
    stopOrders: async () => {
      closing.abort();
      await streaming;
    },
    close: async () => {
      unsubscribe();
      clearTimeout(shipTimer);
      await shipping;
      await ship();
      closing.abort();
      await streaming;
    },
  };
}
