import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { startWalCheckpointer } from '../../audit/sqlite/wal-checkpointer.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { ensurePrivateFolder } from '../../core/private-files.ts';
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
import { serverMigrations } from './server-migrations.ts';
import { type OrderRecord, type ServerAuditEntry, type ServerStore, shippedEntryType } from './server-store.ts';

/** The embedded store: `server.db` in the state folder (made 0700). One process owns it; replicas need PostgreSQL. */
/** One `?` per value, for an `IN (…)` list bound to those values. */
function parameterList(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

export function openSqliteServerStore(stateDir: string): ServerStore {
  ensurePrivateFolder(stateDir, 'server state folder');
  const path = join(stateDir, 'server.db');
  let database: DatabaseSync;
  try {
    database = new DatabaseSync(path, { timeout: 5000 });
    database.exec('PRAGMA journal_mode = WAL');
    // Commits survive the server's crash (they are in the WAL); only an order's commit waits for the disk as well,
    // so an accepted order outlives a power loss, while the records around it do not each pay for an fsync.
    database.exec('PRAGMA synchronous = NORMAL');
    migrate(database);
    // Checkpoints copy the WAL into the database file and fsync it: inside a commit (SQLite's auto-checkpoint) that
    // blocked the server's one thread for 15-20 ms every few hundred agent shipments, orders and streams included.
    database.exec('PRAGMA wal_autocheckpoint = 0');
  } catch (error) {
    throw new InvalidInputError(`Cannot open the server store ${path}: ${(error as Error).message}`, { cause: error });
  }
  const checkpointer = startWalCheckpointer(path);
  // Prepared once per number of targets (an agent and its groups).
  const ordersForStatements = new Map<number, StatementSync>();
  const orders = new EventEmitter();
  orders.setMaxListeners(0);
  const feed = new EventEmitter();
  feed.setMaxListeners(0);
  let announced = Number(
    (database.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM orders').get() as { seq: number }).seq,
  );
  const transaction = <T>(work: () => T): T => {
    database.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      database.exec('COMMIT');
      return result;
    } catch (error) {
      database.exec('ROLLBACK');
      throw error;
    }
  };
  const statements = {
    insertAgent: database.prepare(`INSERT INTO agents
      (id, public_key, charter_hash, groups_json, principals_json, run_id, registered_at, last_seen, authority_json,
        target, status, resume_after)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unknown', (SELECT COALESCE(MAX(seq), 0) FROM orders))
      ON CONFLICT (id) DO NOTHING`),
    replaceAgent: database.prepare(`UPDATE agents SET public_key = ?, charter_hash = ?, groups_json = ?,
        principals_json = ?, run_id = ?, registered_at = ?, last_seen = ?, authority_json = ?, target = ?,
        status = 'unknown'
      WHERE id = ? AND public_key IS ?`),
    setAnchor: database.prepare('UPDATE agents SET anchor_seq = ?, anchor_json = ? WHERE id = ? AND anchor_seq < ?'),
    touch: database.prepare('UPDATE agents SET last_seen = ? WHERE id = ?'),
    touchStatus: database.prepare('UPDATE agents SET last_seen = ?, status = ? WHERE id = ?'),
    agent: database.prepare('SELECT * FROM agents WHERE id = ?'),
    agentExists: database.prepare('SELECT 1 FROM agents WHERE id = ?'),
    countGroupMembers: database.prepare(
      'SELECT COUNT(*) AS members FROM agents WHERE EXISTS (SELECT 1 FROM json_each(agents.groups_json) WHERE value = ?)',
    ),
    agents: database.prepare('SELECT * FROM agents ORDER BY id'),
    addOrder: database.prepare(`INSERT INTO orders (target, envelope_id, kind, envelope, submitted_by, submitted_at)
      VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`),
    findOrder: database.prepare('SELECT * FROM orders WHERE envelope_id = ? ORDER BY seq LIMIT 1'),
    addPending: database.prepare(`INSERT INTO pending_orders
      (id, target, kind, envelope, proposed_by, proposed_at, expires_at, status, seq, version)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', NULL, 1) ON CONFLICT DO NOTHING`),
    pending: database.prepare('SELECT * FROM pending_orders WHERE id = ?'),
    listPending: database.prepare('SELECT * FROM pending_orders ORDER BY proposed_at DESC, id LIMIT ?'),
    changePending: database.prepare(`UPDATE pending_orders SET envelope = ?, status = ?, seq = ?, version = version + 1
      WHERE id = ? AND version = ? RETURNING *`),
    auditHead: database.prepare('SELECT seq, hash FROM server_audit ORDER BY seq DESC LIMIT 1'),
    addAudit: database.prepare(
      'INSERT INTO server_audit (seq, at, actor, action, data_json, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    readAudit: database.prepare('SELECT * FROM server_audit WHERE seq > ? ORDER BY seq LIMIT ?'),
    addEvent: database.prepare(
      'INSERT INTO agent_events (agent, seq, entry_json, type) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    addFeed: database.prepare('INSERT INTO agent_event_feed (agent, seq) VALUES (?, ?)'),
    readFeed: database.prepare(`SELECT feed.feed_seq, feed.agent, events.entry_json FROM agent_event_feed AS feed
      JOIN agent_events AS events ON events.agent = feed.agent AND events.seq = feed.seq
      WHERE feed.feed_seq > ? ORDER BY feed.feed_seq LIMIT ?`),
    readAgentFeed: database.prepare(`SELECT feed.feed_seq, feed.agent, events.entry_json FROM agent_event_feed AS feed
      JOIN agent_events AS events ON events.agent = feed.agent AND events.seq = feed.seq
      WHERE feed.agent = ? AND feed.feed_seq > ? ORDER BY feed.feed_seq LIMIT ?`),
    pruneChallenges: database.prepare(`DELETE FROM login_challenges WHERE expires_at <= ?
      OR challenge IN (SELECT challenge FROM login_challenges ORDER BY expires_at DESC, challenge LIMIT -1 OFFSET ?)`),
    addChallenge: database.prepare('INSERT INTO login_challenges (challenge, subject, expires_at) VALUES (?, ?, ?)'),
    takeChallenge: database.prepare('DELETE FROM login_challenges WHERE challenge = ? RETURNING subject, expires_at'),
    readEvents: database.prepare(
      'SELECT seq, entry_json FROM agent_events WHERE agent = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
  };
  // Orders submitted in the same turn of the event loop share one commit, and so one wait for the disk.
  const pendingOrders: Array<{ order: Omit<OrderRecord, 'seq'>; done: PromiseWithResolvers<OrderRecord> }> = [];
  const commitOrders = () => {
    const batch = pendingOrders.splice(0);
    let stored: OrderRecord[];
    try {
      database.exec('PRAGMA synchronous = FULL');
      try {
        stored = transaction(() =>
          batch.map(({ order }) => {
            const row = statements.addOrder.get(
              order.target,
              order.envelopeId,
              order.kind,
              order.envelope,
              order.submittedBy,
              order.submittedAt,
            ) as { seq: number };
            return { ...order, seq: Number(row.seq) };
          }),
        );
      } finally {
        database.exec('PRAGMA synchronous = NORMAL');
      }
    } catch (error) {
      for (const item of batch) item.done.reject(error);
      return;
    }
    for (const [index, order] of stored.entries()) {
      announced = order.seq;
      orders.emit('order', order);
      batch[index]!.done.resolve(order);
    }
  };
  return {
    backend: 'sqlite',
    async registerAgent(registration, at, replacing) {
      const fields = [
        registration.publicKey,
        registration.charterHash,
        JSON.stringify(registration.groups),
        JSON.stringify(registration.principals),
        registration.runId,
        at,
        at,
        JSON.stringify(registration.authority),
        registration.target ?? null,
      ] as const;
      const changed =
        replacing === undefined
          ? statements.insertAgent.run(registration.agent, ...fields).changes
          : statements.replaceAgent.run(...fields, registration.agent, replacing.publicKey).changes;
      if (Number(changed) === 0) return undefined;
      return agentFromRow(statements.agent.get(registration.agent) as unknown as AgentRow);
    },
    async setAnchor(agent, anchor) {
      statements.setAnchor.run(anchor.seq, JSON.stringify(anchor), agent, anchor.seq);
    },
    async touchAgent(id, at, status) {
      if (status === undefined) statements.touch.run(at, id);
      else statements.touchStatus.run(at, status, id);
    },
    async getAgent(id) {
      const row = statements.agent.get(id) as unknown as AgentRow | undefined;
      return row === undefined ? undefined : agentFromRow(row);
    },
    async countGroupMembers(group) {
      return Number((statements.countGroupMembers.get(group) as { members: number }).members);
    },
    async listAgents() {
      return (statements.agents.all() as unknown as AgentRow[]).map(agentFromRow);
    },
    addOrder(order) {
      const done = Promise.withResolvers<OrderRecord>();
      pendingOrders.push({ order, done });
      if (pendingOrders.length === 1) setImmediate(commitOrders);
      return done.promise;
    },
    async ordersFor(targets, afterSeq, limit) {
      if (targets.length === 0) return [];
      let statement = ordersForStatements.get(targets.length);
      if (statement === undefined) {
        statement = database.prepare(
          `SELECT * FROM orders WHERE seq > ? AND target IN (${parameterList(targets)}) ORDER BY seq LIMIT ?`,
        );
        ordersForStatements.set(targets.length, statement);
      }
      return (statement.all(afterSeq, ...targets, limit) as unknown as OrderRow[]).map(orderFromRow);
    },
    async findOrder(envelopeId) {
      const row = statements.findOrder.get(envelopeId) as unknown as OrderRow | undefined;
      return row === undefined ? undefined : orderFromRow(row);
    },
    async addPendingOrder(pending) {
      const result = statements.addPending.run(
        pending.id,
        pending.target,
        pending.kind,
        pending.envelope,
        pending.proposedBy,
        pending.proposedAt,
        pending.expiresAt,
      );
      return Number(result.changes) === 1;
    },
    async getPendingOrder(id) {
      const row = statements.pending.get(id) as unknown as PendingOrderRow | undefined;
      return row === undefined ? undefined : pendingOrderFromRow(row);
    },
    async listPendingOrders(limit) {
      return (statements.listPending.all(limit) as unknown as PendingOrderRow[]).map(pendingOrderFromRow);
    },
    async changePendingOrder(id, version, change) {
      const row = statements.changePending.get(change.envelope, change.status, change.seq, id, version) as unknown as
        | PendingOrderRow
        | undefined;
      return row === undefined ? undefined : pendingOrderFromRow(row);
    },
    onOrder(listener) {
      orders.on('order', listener);
      return () => orders.off('order', listener);
    },
    announcedThrough: () => announced,
    async appendServerAudit(inputs, at) {
      return transaction(() => {
        let head = statements.auditHead.get() as { seq: number; hash: string } | undefined;
        const stored: ServerAuditEntry[] = [];
        for (const input of inputs) {
          const { dataJson, ...entry } = chainServerAudit(input, at, head);
          statements.addAudit.run(entry.seq, entry.at, entry.actor, entry.action, dataJson, entry.prev, entry.hash);
          stored.push(entry);
          head = entry;
        }
        return stored;
      });
    },
    async readServerAudit(afterSeq, limit) {
      return (statements.readAudit.all(afterSeq, limit) as unknown as ServerAuditRow[]).map(serverAuditFromRow);
    },
    async addAgentEvents(agent, entries, seen) {
      const added = transaction(() => {
        let added = 0;
        for (const entry of entries) {
          const fresh = Number(
            statements.addEvent.run(agent, entry.seq, JSON.stringify(entry), shippedEntryType(entry)).changes,
          );
          if (fresh > 0) statements.addFeed.run(agent, entry.seq);
          added += fresh;
        }
        if (seen?.status !== undefined) statements.touchStatus.run(seen.at, seen.status, agent);
        else if (seen !== undefined) statements.touch.run(seen.at, agent);
        return added;
      });
      if (added > 0) feed.emit('feed');
      return added;
    },
    async readFeed(afterFeedSeq, limit, agent) {
      const rows =
        agent === undefined
          ? statements.readFeed.all(afterFeedSeq, limit)
          : statements.readAgentFeed.all(agent, afterFeedSeq, limit);
      return (rows as unknown as FeedRow[]).map(feedEntryFromRow);
    },
    onFeed(listener) {
      feed.on('feed', listener);
      return () => feed.off('feed', listener);
    },
    async addAgentEventShipments(shipments) {
      const counts = transaction(() =>
        shipments.map((shipment) => {
          if (statements.agentExists.get(shipment.agent) === undefined) return null;
          let added = 0;
          for (const entry of shipment.entries) {
            const fresh = Number(
              statements.addEvent.run(shipment.agent, entry.seq, JSON.stringify(entry), shippedEntryType(entry))
                .changes,
            );
            if (fresh > 0) statements.addFeed.run(shipment.agent, entry.seq);
            added += fresh;
          }
          if (shipment.seen.status !== undefined) {
            statements.touchStatus.run(shipment.seen.at, shipment.seen.status, shipment.agent);
          } else statements.touch.run(shipment.seen.at, shipment.agent);
          return added;
        }),
      );
      if (counts.some((added) => added !== null && added > 0)) feed.emit('feed');
      return counts;
    },
    async readAgentEvents(agent, afterSeq, limit) {
      const rows = statements.readEvents.all(agent, afterSeq, limit) as Array<{ seq: number; entry_json: string }>;
      return rows.map((row) => ({
        seq: Number(row.seq),
        entry: JSON.parse(row.entry_json) as Record<string, unknown>,
      }));
    },
    async readAgentEventsOfTypes(agent, types, afterSeq, limit) {
      if (types.length === 0) return [];
      const rows = database
        .prepare(
          // Without statistics SQLite prefers the primary key's (agent, seq) range and filters every entry by type.
          `SELECT seq, entry_json FROM agent_events INDEXED BY agent_events_type WHERE agent = ? AND seq > ?
             AND type IN (${parameterList(types)}) ORDER BY seq LIMIT ?`,
        )
        .all(agent, afterSeq, ...types, limit) as Array<{ seq: number; entry_json: string }>;
      return rows.map((row) => ({
        seq: Number(row.seq),
        entry: JSON.parse(row.entry_json) as Record<string, unknown>,
      }));
    },
    async addChallenge(challenge, now, keep) {
      transaction(() => {
        statements.pruneChallenges.run(now, Math.max(0, keep - 1));
        statements.addChallenge.run(challenge.challenge, challenge.subject, challenge.expiresAt);
      });
    },
    async takeChallenge(challenge) {
      const row = statements.takeChallenge.get(challenge) as { subject: string; expires_at: number } | undefined;
      return row === undefined ? undefined : { challenge, subject: row.subject, expiresAt: Number(row.expires_at) };
    },
    async setting(key, initial) {
      database
        .prepare('INSERT INTO server_settings (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING')
        .run(key, initial());
      return (database.prepare('SELECT value FROM server_settings WHERE key = ?').get(key) as { value: string }).value;
    },
    async close() {
      orders.removeAllListeners();
      feed.removeAllListeners();
      checkpointer.stop();
      if (database.isOpen) database.close();
    },
  };
}

function migrate(database: DatabaseSync): void {
  database.exec('CREATE TABLE IF NOT EXISTS server_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (database.prepare('SELECT version FROM server_migrations').all() as Array<{ version: number }>).map((row) =>
      Number(row.version),
    ),
  );
  const newest = Math.max(0, ...applied);
  const known = serverMigrations.at(-1)?.version ?? 0;
  if (newest > known) {
    throw new Error(`its schema is version ${newest}, newer than this heed knows (${known}): upgrade heed`);
  }
  for (const migration of serverMigrations) {
    if (applied.has(migration.version)) continue;
    database.exec('BEGIN IMMEDIATE');
    try {
      database.exec(migration.sqlite);
      database
        .prepare('INSERT INTO server_migrations (version, applied_at) VALUES (?, ?)')
        .run(migration.version, new Date().toISOString());
      database.exec('COMMIT');
    } catch (error) {
      database.exec('ROLLBACK');
      throw error;
    }
  }
}
