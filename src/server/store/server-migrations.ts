/**
 * The server's schema, one step per version, for each backend. A store applies the steps it has not applied yet, in
 * order and each in one transaction, when it opens; `server_migrations` records which ran. Append new steps; never
 * edit one that has shipped.
 */
export interface ServerMigration {
  version: number;
  description: string;
  sqlite: string;
  postgres: string;
}

export const serverMigrations: readonly ServerMigration[] = [
  {
    version: 1,
    description: 'agents, orders, the server audit chain, shipped agent audit events',
    sqlite: `
      CREATE TABLE agents (
        id TEXT PRIMARY KEY, public_key TEXT, charter_hash TEXT NOT NULL, groups_json TEXT NOT NULL,
        principals_json TEXT NOT NULL, run_id TEXT NOT NULL, registered_at TEXT NOT NULL, last_seen TEXT NOT NULL,
        status TEXT NOT NULL
      );
      CREATE TABLE orders (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, envelope_id TEXT NOT NULL, kind TEXT NOT NULL,
        envelope TEXT NOT NULL, submitted_by TEXT NOT NULL, submitted_at TEXT NOT NULL
      );
      CREATE INDEX orders_target ON orders (target, seq);
      CREATE TABLE server_audit (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, data_json TEXT NOT NULL,
        prev TEXT NOT NULL, hash TEXT NOT NULL
      );
      CREATE TABLE agent_events (
        agent TEXT NOT NULL, seq INTEGER NOT NULL, entry_json TEXT NOT NULL, PRIMARY KEY (agent, seq)
      );`,
    postgres: `
      CREATE TABLE agents (
        id TEXT PRIMARY KEY, public_key TEXT, charter_hash TEXT NOT NULL, groups_json TEXT NOT NULL,
        principals_json TEXT NOT NULL, run_id TEXT NOT NULL, registered_at TEXT NOT NULL, last_seen TEXT NOT NULL,
        status TEXT NOT NULL
      );
      CREATE TABLE orders (
        seq BIGSERIAL PRIMARY KEY, target TEXT NOT NULL, envelope_id TEXT NOT NULL, kind TEXT NOT NULL,
        envelope TEXT NOT NULL, submitted_by TEXT NOT NULL, submitted_at TEXT NOT NULL
      );
      CREATE INDEX orders_target ON orders (target, seq);
      CREATE TABLE server_audit (
        seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, data_json TEXT NOT NULL,
        prev TEXT NOT NULL, hash TEXT NOT NULL
      );
      CREATE TABLE agent_events (
        agent TEXT NOT NULL, seq BIGINT NOT NULL, entry_json TEXT NOT NULL, PRIMARY KEY (agent, seq)
      );`,
  },
  {
    version: 2,
    description: 'server settings: the secret every replica signs principal tokens with',
    sqlite: 'CREATE TABLE server_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);',
    postgres: 'CREATE TABLE server_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);',
  },
  {
    version: 3,
    description: "pending orders awaiting co-signatures; agents' order rules; orders found by envelope id",
    sqlite: `
      ALTER TABLE agents ADD COLUMN authority_json TEXT;
      CREATE INDEX orders_envelope_id ON orders (envelope_id);
      CREATE TABLE pending_orders (
        id TEXT PRIMARY KEY, target TEXT NOT NULL, kind TEXT NOT NULL, envelope TEXT NOT NULL,
        proposed_by TEXT NOT NULL, proposed_at TEXT NOT NULL, expires_at TEXT NOT NULL, status TEXT NOT NULL,
        seq INTEGER, version INTEGER NOT NULL
      );
      CREATE INDEX pending_orders_proposed ON pending_orders (proposed_at);`,
    postgres: `
      ALTER TABLE agents ADD COLUMN authority_json TEXT;
      CREATE INDEX orders_envelope_id ON orders (envelope_id);
      CREATE TABLE pending_orders (
        id TEXT PRIMARY KEY, target TEXT NOT NULL, kind TEXT NOT NULL, envelope TEXT NOT NULL,
        proposed_by TEXT NOT NULL, proposed_at TEXT NOT NULL, expires_at TEXT NOT NULL, status TEXT NOT NULL,
        seq BIGINT, version INTEGER NOT NULL
      );
      CREATE INDEX pending_orders_proposed ON pending_orders (proposed_at);`,
  },
  {
    version: 4,
    description:
      "agents' pinned keys, the order sequence a new agent resumes after, their latest checkpoint anchors, and the feed of shipped audit entries in the order they arrived",
    sqlite: `
      ALTER TABLE agents ADD COLUMN resume_after INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE agents ADD COLUMN anchor_seq INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE agents ADD COLUMN anchor_json TEXT;
      CREATE TABLE agent_event_feed (
        feed_seq INTEGER PRIMARY KEY AUTOINCREMENT, agent TEXT NOT NULL, seq INTEGER NOT NULL
      );`,
    postgres: `
      ALTER TABLE agents ADD COLUMN resume_after BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE agents ADD COLUMN anchor_seq BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE agents ADD COLUMN anchor_json TEXT;
      CREATE TABLE agent_event_feed (
        feed_seq BIGSERIAL PRIMARY KEY, agent TEXT NOT NULL, seq BIGINT NOT NULL
      );`,
  },
  {
    version: 5,
    description: "agents' target profiles (null for an agent that registered none)",
    sqlite: 'ALTER TABLE agents ADD COLUMN target TEXT;',
    postgres: 'ALTER TABLE agents ADD COLUMN target TEXT;',
  },
  {
    version: 6,
    description: 'login challenges, kept in the store so a challenge issued by one replica is answered at any',
    sqlite: `
      CREATE TABLE login_challenges (challenge TEXT PRIMARY KEY, subject TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);`,
    postgres: `
      CREATE TABLE login_challenges (challenge TEXT PRIMARY KEY, subject TEXT NOT NULL, expires_at BIGINT NOT NULL);
      CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);`,
  },
  {
    version: 7,
    description: "shipped audit entries' types, indexed, so pending checks read the few entries they need",
    sqlite: `
      ALTER TABLE agent_events ADD COLUMN type TEXT;
      UPDATE agent_events SET type = json_extract(entry_json, '$.type');
      CREATE INDEX agent_events_type ON agent_events (agent, type, seq);`,
    postgres: `
      ALTER TABLE agent_events ADD COLUMN type TEXT;
      UPDATE agent_events SET type = entry_json::jsonb ->> 'type';
      CREATE INDEX agent_events_type ON agent_events (agent, type, seq);`,
  },
];
