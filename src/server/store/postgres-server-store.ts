import pg from 'pg';
import { InvalidInputError } from '../../core/heed-error.ts';
import { startPostgresAnnouncements } from './postgres-announcements.ts';
import { migratePostgresServerStore } from './postgres-migrate.ts';
import {
  type AgentRow,
  agentFromRow,
  type FeedRow,
  feedEntryFromRow,
  type OrderRow,
  orderFromRow,
  type PendingOrderRow,
  pendingOrderFromRow,
  type ServerAuditRow,
  serverAuditFromRow,
} from './row-mappers.ts';
import { chainServerAudit } from './server-audit-chain.ts';
import { type ServerAuditEntry, type ServerStore, shippedEntryType } from './server-store.ts';

export interface PostgresServerStoreOptions {
  connectionString: string;
  /** The schema holding the server's tables; created when missing. Default `heed_server`. */
  schema?: string;
  /** How often to look for orders a missed notification did not announce (default 1 s). */
  pollMs?: number;
}

/**
 * The fleet store: several `heed serve` replicas share one database. A new order is announced to every replica with
 * NOTIFY inside the transaction that commits it (so only committed orders are announced); a slow poll covers a
 * notification lost with a dropped connection.
 */
export async function openPostgresServerStore(options: PostgresServerStoreOptions): Promise<ServerStore> {
  const schema = options.schema ?? 'heed_server';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new InvalidInputError(
      `PostgreSQL schema name '${schema}' must be lower-case letters, digits and underscores.`,
    );
  }
  if (!options.connectionString) throw new InvalidInputError('The PostgreSQL server store needs a connection string.');
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 8, options: `-c search_path=${schema}` });
  pool.on('error', () => {});
  try {
    await migratePostgresServerStore(pool, schema);
  } catch (error) {
    await pool.end();
    throw new InvalidInputError(
      `Cannot prepare the server store in PostgreSQL schema ${schema}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const announcements = await startPostgresAnnouncements(pool, {
    connectionString: options.connectionString,
    schema,
    pollMs: options.pollMs ?? 1000,
  });

  const query = async <Row>(text: string, values: unknown[] = []): Promise<Row[]> =>
    (await pool.query(text, values)).rows as Row[];
  const transaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    backend: 'postgres',
    async registerAgent(registration, at, replacing) {
      const fields = [
        registration.agent,
        registration.publicKey,
        registration.charterHash,
        JSON.stringify(registration.groups),
        JSON.stringify(registration.principals),
        registration.runId,
        at,
        JSON.stringify(registration.authority),
        registration.target ?? null,
      ];
      const rows =
        replacing === undefined
          ? await query<AgentRow>(
              `INSERT INTO agents (id, public_key, charter_hash, groups_json, principals_json, run_id, registered_at,
                 last_seen, authority_json, target, status, resume_after)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, 'unknown', (SELECT COALESCE(MAX(seq), 0) FROM orders))
               ON CONFLICT (id) DO NOTHING RETURNING *`,
              fields,
            )
          : await query<AgentRow>(
              `UPDATE agents SET public_key = $2, charter_hash = $3, groups_json = $4, principals_json = $5,
                 run_id = $6, registered_at = $7, last_seen = $7, authority_json = $8, target = $9,
                 status = 'unknown'
               WHERE id = $1 AND public_key IS NOT DISTINCT FROM $10 RETURNING *`,
              [...fields, replacing.publicKey],
            );
      return rows[0] === undefined ? undefined : agentFromRow(rows[0]);
    },
    async setAnchor(agent, anchor) {
      await query('UPDATE agents SET anchor_seq = $1, anchor_json = $2 WHERE id = $3 AND anchor_seq < $1', [
        anchor.seq,
        JSON.stringify(anchor),
        agent,
      ]);
    },
    async touchAgent(id, at, status) {
      if (status === undefined) await query('UPDATE agents SET last_seen = $1 WHERE id = $2', [at, id]);
      else await query('UPDATE agents SET last_seen = $1, status = $2 WHERE id = $3', [at, status, id]);
    },
    async countGroupMembers(group) {
      const rows = await query<{ members: string }>(
        'SELECT COUNT(*) AS members FROM agents WHERE groups_json::jsonb ? $1',
        [group],
      );
      return Number(rows[0]!.members);
    },
    async getAgent(id) {
      const rows = await query<AgentRow>('SELECT * FROM agents WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : agentFromRow(rows[0]);
    },
    async listAgents() {
      return (await query<AgentRow>('SELECT * FROM agents ORDER BY id')).map(agentFromRow);
    },
    async addOrder(order) {
      const seq = await transaction(async (client) => {
        // One order commits at a time, so sequence numbers become visible in order and a reader resuming after
        // seq N can never miss an order N-1 that committed later.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('heed-server-orders-' || $1))`, [schema]);
        const inserted = await client.query(
          `INSERT INTO orders (target, envelope_id, kind, envelope, submitted_by, submitted_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
          [order.target, order.envelopeId, order.kind, order.envelope, order.submittedBy, order.submittedAt],
        );
        const seq = Number(inserted.rows[0].seq);
        await client.query('SELECT pg_notify($1, $2)', [announcements.orderChannel, `${seq} ${order.target}`]);
        return seq;
      });
      return { ...order, seq };
    },
    async ordersFor(targets, afterSeq, limit) {
      if (targets.length === 0) return [];
      const rows = await query<OrderRow>(
        'SELECT * FROM orders WHERE seq > $1 AND target = ANY($2) ORDER BY seq LIMIT $3',
        [afterSeq, targets, limit],
      );
      return rows.map(orderFromRow);
    },
    async findOrder(envelopeId) {
      const rows = await query<OrderRow>('SELECT * FROM orders WHERE envelope_id = $1 ORDER BY seq LIMIT 1', [
        envelopeId,
      ]);
      return rows[0] === undefined ? undefined : orderFromRow(rows[0]);
    },
    async addPendingOrder(pending) {
      const rows = await query(
        `INSERT INTO pending_orders (id, target, kind, envelope, proposed_by, proposed_at, expires_at, status, seq, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', NULL, 1) ON CONFLICT DO NOTHING RETURNING id`,
        [
          pending.id,
          pending.target,
          pending.kind,
          pending.envelope,
          pending.proposedBy,
          pending.proposedAt,
          pending.expiresAt,
        ],
      );
      return rows.length === 1;
    },
    async getPendingOrder(id) {
      const rows = await query<PendingOrderRow>('SELECT * FROM pending_orders WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : pendingOrderFromRow(rows[0]);
    },
    async listPendingOrders(limit) {
      const rows = await query<PendingOrderRow>('SELECT * FROM pending_orders ORDER BY proposed_at DESC, id LIMIT $1', [
        limit,
      ]);
      return rows.map(pendingOrderFromRow);
    },
    async changePendingOrder(id, version, change) {
      const rows = await query<PendingOrderRow>(
        `UPDATE pending_orders SET envelope = $1, status = $2, seq = $3, version = version + 1
         WHERE id = $4 AND version = $5 RETURNING *`,
        [change.envelope, change.status, change.seq, id, version],
      );
      return rows[0] === undefined ? undefined : pendingOrderFromRow(rows[0]);
    },
    onOrder: (listener) => announcements.onOrder(listener),
    announcedThrough: () => announcements.announcedThrough(),
    async appendServerAudit(inputs, at) {
      return transaction(async (client) => {
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('heed-server-audit-' || $1))`, [schema]);
        const row = (await client.query('SELECT seq, hash FROM server_audit ORDER BY seq DESC LIMIT 1')).rows[0] as
          | { seq: string; hash: string }
          | undefined;
        let head = row === undefined ? undefined : { seq: Number(row.seq), hash: row.hash };
        const stored: ServerAuditEntry[] = [];
        const rows: string[][] = [[], [], [], [], [], [], []];
        for (const input of inputs) {
          const { dataJson, ...entry } = chainServerAudit(input, at, head);
          const values = [String(entry.seq), entry.at, entry.actor, entry.action, dataJson, entry.prev, entry.hash];
          for (const [column, value] of values.entries()) rows[column]!.push(value);
          stored.push(entry);
          head = entry;
        }
        await client.query(
          `INSERT INTO server_audit (seq, at, actor, action, data_json, prev, hash)
           SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
          rows,
        );
        return stored;
      });
    },
    async readServerAudit(afterSeq, limit) {
      return (
        await query<ServerAuditRow>('SELECT * FROM server_audit WHERE seq > $1 ORDER BY seq LIMIT $2', [
          afterSeq,
          limit,
        ])
      ).map(serverAuditFromRow);
    },
    async addAgentEvents(agent, entries, seen) {
      return transaction(async (client) => {
        // One ingest appends to the feed at a time, so feed numbers become visible in order and a reader resuming
        // after feed N never misses an N-1 that committed later.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('heed-server-feed-' || $1))`, [schema]);
        const result = await client.query(
          `WITH added AS (
             INSERT INTO agent_events (agent, seq, entry_json, type)
             SELECT $1, seq, entry_json, type FROM UNNEST($2::bigint[], $3::text[], $4::text[])
               AS shipped(seq, entry_json, type)
             ON CONFLICT DO NOTHING RETURNING agent, seq
           )
           INSERT INTO agent_event_feed (agent, seq) SELECT agent, seq FROM added ORDER BY seq`,
          [
            agent,
            entries.map((entry) => entry.seq),
            entries.map((entry) => JSON.stringify(entry)),
            entries.map(shippedEntryType),
          ],
        );
        if ((result.rowCount ?? 0) > 0)
          await client.query('SELECT pg_notify($1, $2)', [announcements.feedChannel, agent]);
        if (seen?.status !== undefined) {
          await client.query('UPDATE agents SET last_seen = $1, status = $2 WHERE id = $3', [
            seen.at,
            seen.status,
            agent,
          ]);
        } else if (seen !== undefined) {
          await client.query('UPDATE agents SET last_seen = $1 WHERE id = $2', [seen.at, agent]);
        }
        return result.rowCount ?? 0;
      });
    },
    async addAgentEventShipments(shipments) {
      if (shipments.length === 0) return [];
      return transaction(async (client) => {
        // As in addAgentEvents: one ingest appends to the feed at a time, so feed numbers become visible in order.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('heed-server-feed-' || $1))`, [schema]);
        const ids = [...new Set(shipments.map((shipment) => shipment.agent))];
        const known = new Set(
          (await client.query<{ id: string }>('SELECT id FROM agents WHERE id = ANY($1::text[])', [ids])).rows.map(
            (row) => row.id,
          ),
        );
        const stored = shipments.filter((shipment) => known.has(shipment.agent));
        const rows = stored.flatMap((shipment, index) =>
          shipment.entries.map((entry) => ({ index, agent: shipment.agent, entry })),
        );
        // One statement for every shipment; RETURNING says which rows were new, and so whose.
        const inserted = await client.query<{ agent: string; seq: string }>(
          `INSERT INTO agent_events (agent, seq, entry_json, type)
           SELECT agent, seq, entry_json, type FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::int[], $5::text[])
             AS shipped(agent, seq, entry_json, shipment, type)
           ORDER BY shipment
           ON CONFLICT DO NOTHING
           RETURNING agent, seq`,
          [
            rows.map((row) => row.agent),
            rows.map((row) => row.entry.seq),
            rows.map((row) => JSON.stringify(row.entry)),
            rows.map((row) => row.index),
            rows.map((row) => shippedEntryType(row.entry)),
          ],
        );
        // An (agent, seq) is new in at most one shipment: the first that carries it, in the order given.
        const newRows = new Set(inserted.rows.map((row) => `${row.agent} ${row.seq}`));
        const unfed = new Set(newRows);
        const fed = rows.filter((row) => unfed.delete(`${row.agent} ${row.entry.seq}`));
        if (fed.length > 0) {
          await client.query(
            `INSERT INTO agent_event_feed (agent, seq)
             SELECT agent, seq FROM UNNEST($1::text[], $2::bigint[]) WITH ORDINALITY AS fed(agent, seq, position)
             ORDER BY position`,
            [fed.map((row) => row.agent), fed.map((row) => row.entry.seq)],
          );
          await client.query('SELECT pg_notify($1, $2)', [announcements.feedChannel, fed[0]!.agent]);
        }
        const added = stored.map((shipment) => {
          let count = 0;
          for (const entry of shipment.entries) {
            if (newRows.delete(`${shipment.agent} ${entry.seq}`)) count += 1;
          }
          return count;
        });
        // The last shipment of each agent decides when it was seen; the last one showing a status decides that.
        const seen = new Map<string, { at: string; status: string | null }>();
        for (const shipment of stored) {
          const before = seen.get(shipment.agent);
          seen.set(shipment.agent, { at: shipment.seen.at, status: shipment.seen.status ?? before?.status ?? null });
        }
        await client.query(
          `UPDATE agents SET last_seen = seen.at, status = COALESCE(seen.status, agents.status)
           FROM UNNEST($1::text[], $2::text[], $3::text[]) AS seen(id, at, status) WHERE agents.id = seen.id`,
          [
            [...seen.keys()],
            [...seen.values()].map((value) => value.at),
            [...seen.values()].map((value) => value.status),
          ],
        );
        let next = 0;
        return shipments.map((shipment) => (known.has(shipment.agent) ? added[next++]! : null));
      });
    },
    async readAgentEvents(agent, afterSeq, limit) {
      const rows = await query<{ seq: string; entry_json: string }>(
        'SELECT seq, entry_json FROM agent_events WHERE agent = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [agent, afterSeq, limit],
      );
      return rows.map((row) => ({
        seq: Number(row.seq),
        entry: JSON.parse(row.entry_json) as Record<string, unknown>,
      }));
    },
    async readFeed(afterFeedSeq, limit, agent) {
      const rows = await query<FeedRow>(
        `SELECT feed.feed_seq, feed.agent, events.entry_json FROM agent_event_feed AS feed
         JOIN agent_events AS events ON events.agent = feed.agent AND events.seq = feed.seq
         WHERE feed.feed_seq > $1 AND ($3::text IS NULL OR feed.agent = $3) ORDER BY feed.feed_seq LIMIT $2`,
        [afterFeedSeq, limit, agent ?? null],
      );
      return rows.map(feedEntryFromRow);
    },
    onFeed: (listener) => announcements.onFeed(listener),
    async readAgentEventsOfTypes(agent, types, afterSeq, limit) {
      if (types.length === 0) return [];
      const rows = await query<{ seq: string; entry_json: string }>(
        `SELECT seq, entry_json FROM agent_events WHERE agent = $1 AND seq > $2
           AND type = ANY($3) ORDER BY seq LIMIT $4`,
        [agent, afterSeq, types, limit],
      );
      return rows.map((row) => ({
        seq: Number(row.seq),
        entry: JSON.parse(row.entry_json) as Record<string, unknown>,
      }));
    },
    async addChallenge(challenge, now, keep) {
      await query(
        `DELETE FROM login_challenges WHERE expires_at <= $1
           OR challenge IN (SELECT challenge FROM login_challenges ORDER BY expires_at DESC, challenge OFFSET $2)`,
        [now, Math.max(0, keep - 1)],
      );
      await query('INSERT INTO login_challenges (challenge, subject, expires_at) VALUES ($1, $2, $3)', [
        challenge.challenge,
        challenge.subject,
        challenge.expiresAt,
      ]);
    },
    async takeChallenge(challenge) {
      const rows = await query<{ subject: string; expires_at: string }>(
        'DELETE FROM login_challenges WHERE challenge = $1 RETURNING subject, expires_at',
        [challenge],
      );
      const row = rows[0];
      return row === undefined ? undefined : { challenge, subject: row.subject, expiresAt: Number(row.expires_at) };
    },
    async setting(key, initial) {
      await query('INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [key, initial()]);
      return (await query<{ value: string }>('SELECT value FROM server_settings WHERE key = $1', [key]))[0]!.value;
    },
    async close() {
      await announcements.close();
      await pool.end();
    },
  };
}
