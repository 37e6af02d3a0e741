import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { orderStreamEvent } from '../kernel/fleet/fleet-protocol.ts';
import type { AgentRecord, ServerStore } from './store/server-store.ts';

export interface OrderStreamOptions {
  store: ServerStore;
  agent: AgentRecord;
  /** The last sequence number the agent has: from `Last-Event-ID` (or `?after=`); 0 for everything. */
  afterSeq: number;
  /** A comment line this often keeps the connection open through proxies, and marks the agent seen. */
  keepAliveMs: number;
  now: () => string;
  onOpen: () => void;
  onClose: () => void;
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
    let dirty = true;
    const unsubscribe = store.onOrder((order) => {
      if (!targets.includes(order.target) || order.seq <= last) return;
      dirty = true;
      wake?.();
    });
    options.onOpen();
    stream.onAbort(() => {
      wake?.();
    });
    try {
      while (!stream.aborted && !stream.closed) {
        if (dirty) {
          dirty = false;
          for (;;) {
            const orders = await store.ordersFor(targets, last, 500);
            for (const order of orders) {
              await stream.writeSSE({ id: String(order.seq), event: orderStreamEvent, data: order.envelope });
              last = order.seq;
            }
            if (orders.length < 500) break;
          }
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
