import { orderStreamEvent, tokenStreamEvent } from '../kernel/fleet/fleet-protocol.ts';
import type { AgentRecord, OrderRecord, ServerStore } from './store/server-store.ts';

export interface OrderStreamOptions {
  store: ServerStore;
  agent: AgentRecord;
  /** The last sequence number the agent has: from `Last-Event-ID` (or `?after=`); 0 for everything. */
  afterSeq: number;
  /** A comment line this often keeps the connection open through proxies, and marks the agent seen. */
  keepAliveMs: number;
  now: () => string;
  /** Sends the agent a fresh token (`event: token`) this often while the stream is open. */
  renewToken?: { everyMs: number; issue: () => { token: string; expiresAt: string } };
  onOpen: () => void;
  onClose: () => void;
}

const encoder = new TextEncoder();
const keepAliveFrame = encoder.encode(': keep-alive\n\n');
// One encoded frame per announced order, shared by every stream that sends it: a fleet order is encoded once, not
// once per member. Kept as long as the order record is (the store hands every listener the same record).
const frames = new WeakMap<OrderRecord, Uint8Array>();
/** How many bytes a stream holds for an agent that reads slowly before it stops taking announced orders. */
const maxQueuedBytes = 64 * 1024;
/** Orders read from the store per query when a stream catches up. */
const readBatch = 500;

/** The SSE frame of an order: its envelope as data lines (as submitted, newlines included), its seq as the id. */
export function orderFrame(order: OrderRecord): Uint8Array {
  let frame = frames.get(order);
  if (frame === undefined) {
    const data = order.envelope
      .split(/\r\n|\r|\n/)
      .map((line) => `data: ${line}`)
      .join('\n');
    frame = encoder.encode(`event: ${orderStreamEvent}\n${data}\nid: ${order.seq}\n\n`);
    frames.set(order, frame);
  }
  return frame;
}

/**
 * One agent's order stream: every order addressed to it or to one of its groups after `afterSeq`, then each new one as
 * the store announces it (from any replica). The event id is the order's sequence number, so a reconnecting agent
 * resumes where it left off; an order sent twice is harmless, because the agent rejects a replay.
 *
 * An announced order that follows the last one this stream handled is written to it inside the announcement, so a
 * fleet order reaches every open stream before the server does any other work (no promise, timer or wake-up per
 * stream). Anything else (a gap in the sequence, a stream still catching up, an agent reading too slowly to keep
 * 64 KB queued) sends the stream back to the store, which holds every order: nothing is dropped or reordered.
 */
export function streamOrders(options: OrderStreamOptions): Response {
  const { store, agent } = options;
  const targets = new Set([agent.id, ...agent.groups.map((group) => `group:${group}`)]);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  // Wakes the stream's own loop: to read the store, or to end.
  let wake: (() => void) | undefined;
  // Resolves when the agent has read enough of what is queued.
  let drained: (() => void) | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      start: (opened) => {
        controller = opened;
      },
      pull: () => {
        drained?.();
      },
      cancel: () => {
        closed = true;
        drained?.();
        wake?.();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: maxQueuedBytes }),
  );
  /** Queues bytes for the agent; false once the agent is `maxQueuedBytes` behind. */
  const write = (bytes: Uint8Array): boolean => {
    try {
      controller.enqueue(bytes);
    } catch {
      // The agent went away between its last read and this write.
      closed = true;
      wake?.();
      return false;
    }
    return (controller.desiredSize ?? 0) > 0;
  };

  let last = options.afterSeq;
  // Every order up to `checked` has been handled (sent, or not for this agent); -1 while that is unknown. An
  // announcement that follows it directly is sent as announced; any other sends the stream back to the store.
  let checked = -1;
  let dirty = true;
  const renew = options.renewToken;
  let renewedAt = Date.parse(options.now());
  const unsubscribe = store.onOrder((order) => {
    if (closed) return;
    if (checked >= 0 && order.seq === checked + 1) {
      checked = order.seq;
      if (!targets.has(order.target) || order.seq <= last) return;
      last = order.seq;
      if (write(orderFrame(order))) return;
    }
    checked = -1;
    dirty = true;
    wake?.();
  });

  const waitForDrain = () =>
    new Promise<void>((resolve) => {
      drained = resolve;
      if (closed || (controller.desiredSize ?? 0) > 0) resolve();
    }).finally(() => {
      drained = undefined;
    });
  const catchUp = async () => {
    dirty = false;
    const through = store.announcedThrough();
    for (;;) {
      const orders = await store.ordersFor([...targets], last, readBatch);
      for (const order of orders) {
        if (closed) return;
        if (order.seq <= last) continue;
        last = order.seq;
        if (!write(orderFrame(order))) await waitForDrain();
      }
      if (orders.length < readBatch) break;
    }
    if (!dirty) checked = Math.max(through, last);
  };
  const run = async () => {
    options.onOpen();
    try {
      while (!closed) {
        if (dirty) {
          await waitForDrain();
          if (!closed) await catchUp();
          continue;
        }
        // Orders sent as announced do not wake the loop, so this fires every `keepAliveMs`, busy or idle, and the
        // token is renewed here: a keep-alive comes far more often than a renewal is due.
        const woken = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), options.keepAliveMs);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        if (closed || woken) continue;
        if (renew !== undefined && Date.parse(options.now()) - renewedAt >= renew.everyMs) {
          renewedAt = Date.parse(options.now());
          write(encoder.encode(`event: ${tokenStreamEvent}\ndata: ${JSON.stringify(renew.issue())}\n\n`));
        }
        write(keepAliveFrame);
        await store.touchAgent(agent.id, options.now());
      }
    } catch {
      // The store failed (a database gone away): the agent reconnects and resumes from its last sequence number.
    } finally {
      closed = true;
      unsubscribe();
      options.onClose();
      try {
        controller.close();
      } catch {
        // Already closed by the agent.
      }
    }
  };
  void run();
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Sent at once, before the first chunk (the Node adapter would otherwise wait to learn a length).
      'transfer-encoding': 'chunked',
    },
  });
}
