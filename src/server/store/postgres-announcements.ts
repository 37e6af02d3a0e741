import { EventEmitter } from 'node:events';
import pg from 'pg';
import { type OrderRow, orderFromRow } from './row-mappers.ts';
import type { OrderRecord } from './server-store.ts';

/** How the replicas sharing one PostgreSQL schema learn of each other's orders and shipped audit. */
export interface PostgresAnnouncements {
  /** The NOTIFY channel a committed order is announced on (inside its transaction). */
  readonly orderChannel: string;
  /** The NOTIFY channel shipped audit entries are announced on. */
  readonly feedChannel: string;
  onOrder(listener: (order: OrderRecord) => void): () => void;
  onFeed(listener: () => void): () => void;
  /** The newest order sequence announced to this replica's listeners. */
  announcedThrough(): number;
  close(): Promise<void>;
}

/**
 * Listens on one connection of its own for the schema's order and feed notifications, reads the orders once per
 * replica for all its streams, and polls every `pollMs` for what a notification lost with a dropped connection did
 * not announce.
 */
export async function startPostgresAnnouncements(
  pool: pg.Pool,
  options: { connectionString: string; schema: string; pollMs: number },
): Promise<PostgresAnnouncements> {
  const { schema } = options;
  const channel = `heed_orders_${schema}`;
  const feedChannel = `heed_feed_${schema}`;
  const orders = new EventEmitter();
  orders.setMaxListeners(0);
  let lastAnnounced = Number((await pool.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM orders')).rows[0].seq);
  const feed = new EventEmitter();
  feed.setMaxListeners(0);
  let feedThrough = Number(
    (await pool.query('SELECT COALESCE(MAX(feed_seq), 0) AS seq FROM agent_event_feed')).rows[0].seq,
  );
  // Wakes the feed's readers when it grew (told by NOTIFY, or found by the poll); they read the store themselves.
  const checkFeed = async (client: pg.Client | pg.Pool) => {
    const through = Number(
      (await client.query(`SELECT COALESCE(MAX(feed_seq), 0) AS seq FROM ${schema}.agent_event_feed`)).rows[0].seq,
    );
    if (through <= feedThrough) return;
    feedThrough = through;
    feed.emit('feed');
  };
  const announce = (order: OrderRecord) => {
    if (order.seq <= lastAnnounced) return;
    lastAnnounced = order.seq;
    orders.emit('order', order);
  };
  let closed = false;
  let listener: pg.Client | undefined;
  const listen = async () => {
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on('error', () => {
      if (listener === client) listener = undefined;
    });
    // A notification says an order committed; the orders are read once per replica, for all its streams.
    client.on('notification', (message) => {
      if (message.channel === feedChannel) feed.emit('feed');
      else void poll();
    });
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    await client.query(`LISTEN ${feedChannel}`);
    listener = client;
  };
  let polling: Promise<void> | undefined;
  let pollAgain = false;
  const poll = (): Promise<void> => {
    if (polling !== undefined) {
      // A notification during a read may name an order the read began too early to see.
      pollAgain = true;
      return polling;
    }
    polling = (async () => {
      try {
        do {
          pollAgain = false;
          if (listener === undefined && !closed) await listen().catch(() => {});
          // On the listening connection when there is one: fan-out never waits behind the pool's other work.
          const rows = await (listener ?? pool).query(
            `SELECT * FROM ${schema}.orders WHERE seq > $1 ORDER BY seq LIMIT 1000`,
            [lastAnnounced],
          );
          for (const row of rows.rows) announce(orderFromRow(row as OrderRow));
          if (rows.rows.length === 1000) pollAgain = true;
          await checkFeed(listener ?? pool);
        } while (pollAgain && !closed);
      } catch {
        // The database is unreachable now; the next poll tries again.
      } finally {
        polling = undefined;
      }
    })();
    return polling;
  };
  await listen();
  const poller = setInterval(() => void poll(), options.pollMs);
  poller.unref();

  return {
    orderChannel: channel,
    feedChannel,
    onOrder(listener) {
      orders.on('order', listener);
      return () => orders.off('order', listener);
    },
    onFeed(listener) {
      feed.on('feed', listener);
      return () => feed.off('feed', listener);
    },
    announcedThrough: () => lastAnnounced,
    async close() {
      closed = true;
      clearInterval(poller);
      orders.removeAllListeners();
      feed.removeAllListeners();
      await polling;
      await listener?.end().catch(() => {});
    },
  };
}
