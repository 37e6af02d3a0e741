import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
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
// One encoded frame per announced order, shared by every stream that sends it: a fleet order is encoded once, not
// once per member. Kept as long as the order record is (the store hands every listener the same record).
const frames = new WeakMap<OrderRecord, Uint8Array>();

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
 */
export function streamOrders(context: Context, options: OrderStreamOptions) {
  const { store, agent } = options;
  const targets = [agent.id, ...agent.groups.map((group) => `group:${group}`)];
  return streamSSE(context, async (stream) => {
    let last = options.afterSeq;
    let wake: (() => void) | undefined;
    // Every order up to `checked` has been handled (sent, or not for this agent); -1 while that is unknown. An
    // announcement that follows it directly is used as announced; any other sends the stream back to the store.
    let checked = -1;
    let dirty = true;
    const ready: OrderRecord[] = [];
    const unsubscribe = store.onOrder((order) => {
      if (checked >= 0 && order.seq === checked + 1) {
        checked = order.seq;
        if (!targets.includes(order.target)) return;
        ready.push(order);
      } else {
        checked = -1;
        dirty = true;
      }
      wake?.();
    });
    options.onOpen();
    stream.onAbort(() => {
      wake?.();
    });
    let renewedAt = Date.parse(options.now());
    const renewIfDue = async () => {
      const renew = options.renewToken;
      if (renew === undefined || Date.parse(options.now()) - renewedAt < renew.everyMs) return;
      renewedAt = Date.parse(options.now());
      await stream.writeSSE({ event: tokenStreamEvent, data: JSON.stringify(renew.issue()) });
    };
    const send = async (order: OrderRecord) => {
      if (order.seq <= last) return;
      await stream.write(orderFrame(order));
      last = order.seq;
    };
    try {
      while (!stream.aborted && !stream.closed) {
        if (dirty) {
          dirty = false;
          ready.length = 0;
          const through = store.announcedThrough();
          for (;;) {
            const orders = await store.ordersFor(targets, last, 500);
            for (const order of orders) await send(order);
            if (orders.length < 500) break;
          }
          if (!dirty) checked = Math.max(through, last);
          continue;
        }
        if (ready.length > 0) {
          for (const order of ready.splice(0)) await send(order);
          // A stream that is never idle renews here instead of at a keep-alive.
          await renewIfDue();
          continue;
        }
        const woken = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), options.keepAliveMs);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        if (!woken && !stream.aborted) {
          await renewIfDue();
          await stream.write(': keep-alive\n\n');
          await store.touchAgent(agent.id, options.now());
        }
      }
    } finally {
      unsubscribe();
      options.onClose();
    }
  });
}
