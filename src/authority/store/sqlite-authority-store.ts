import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { z } from 'zod';
import { InvalidInputError } from '../../core/heed-error.ts';
import { describeIssues } from '../../core/parse-with-schema.ts';
import { ensurePrivateFile } from '../../core/private-files.ts';
import type { AuthorityState } from '../authority-state.ts';
import {
  type AuthorityGenesis,
  type AuthorityJournalEntry,
  type AuthorityStore,
  defaultStatePath,
  pruneEvery,
  type StoredAuthority,
  snapshotEvery,
} from './authority-store.ts';
import {
  authorityStoreSchemaVersion,
  genesisSchema,
  journalEntrySchema,
  snapshotSchema,
} from './authority-store-schema.ts';

// Every table is prefixed `authority_`: the same file holds the audit log's tables.
const createStatements = `
CREATE TABLE IF NOT EXISTS authority_seen_orders (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL, forget_after INTEGER) STRICT;
CREATE TABLE IF NOT EXISTS authority_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS authority_agents (
  agent TEXT PRIMARY KEY,
  genesis TEXT NOT NULL,
  snapshot_seq INTEGER NOT NULL DEFAULT 0,
  snapshot TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS authority_journal (
  agent TEXT NOT NULL,
  seq INTEGER NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (agent, seq)
) STRICT;
INSERT OR IGNORE INTO authority_meta (key, value) VALUES ('schemaVersion', '${authorityStoreSchemaVersion}');
`;

export interface SqliteAuthorityStoreOptions {
  /**
   * `normal` (default), as for the audit log: in WAL mode a commit survives a crash of the process (kill -9 included);
   * only a power loss or OS crash can drop the last commits. `full` fsyncs every commit, for state that must survive
   * power loss, at the cost of an fsync inside every accepted order's delivery.
   */
  synchronous?: 'normal' | 'full';
}

/**
 * The state store in node:sqlite (WAL): seen ids, and each agent's genesis and journal with a snapshot every
 * `snapshotEvery` entries. An entry and its seen id commit in one transaction, so a crash (kill -9 included)
 * leaves either both or neither. Stores written before journals existed (seen ids only) open as they are.
 */
export function openSqliteAuthorityStore(
  path = defaultStatePath,
  options: SqliteAuthorityStoreOptions = {},
): AuthorityStore {
  let database: DatabaseSync | undefined;
  try {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      ensurePrivateFile(path, 'state store');
    }
    database = new DatabaseSync(path, { timeout: 5000 });
    database.exec('PRAGMA journal_mode = WAL');
    database.exec(`PRAGMA synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // Never checkpoint inside an order's commit (it fsyncs): the audit store's checkpointer thread folds the shared
    // WAL into the file, and the last connection to close folds in the rest.
    if (path !== ':memory:') database.exec('PRAGMA wal_autocheckpoint = 0');
    database.exec('BEGIN IMMEDIATE');
    try {
      database.exec(createStatements);
      // Stores written before ids could be forgotten lack the column; their ids stay for ever.
      const columns = database.prepare('PRAGMA table_info(authority_seen_orders)').all() as Array<{ name: string }>;
      if (!columns.some((column) => column.name === 'forget_after')) {
        database.exec('ALTER TABLE authority_seen_orders ADD COLUMN forget_after INTEGER');
      }
      database.exec('COMMIT');
    } catch (error) {
      database.exec('ROLLBACK');
      throw error;
    }
    const version = Number(
      database.prepare(`SELECT value FROM authority_meta WHERE key = 'schemaVersion'`).get()?.value,
    );
    if (!Number.isInteger(version) || version < 1 || version > authorityStoreSchemaVersion) {
      throw new InvalidInputError(
        `it has schema version ${version}; this heed reads versions 1 to ${authorityStoreSchemaVersion}`,
      );
    }
  } catch (error) {
    if (database?.isOpen) database.close();
    throw new InvalidInputError(`Cannot open the state store ${path}: ${(error as Error).message}`, {
      cause: error,
      code: 'io',
    });
  }
  return new SqliteAuthorityStore(database, path);
}

class SqliteAuthorityStore implements AuthorityStore {
  readonly #database: DatabaseSync;
  readonly #path: string;
  readonly #hasSeen: StatementSync;
  readonly #addSeen: StatementSync;
  readonly #forget: StatementSync;
  readonly #agent: StatementSync;
  readonly #begin: StatementSync;
  readonly #lastSeq: StatementSync;
  readonly #appendEntry: StatementSync;
  readonly #snapshot: StatementSync;
  readonly #entries: StatementSync;
  #additions = 0;

  constructor(database: DatabaseSync, path: string) {
    this.#database = database;
    this.#path = path;
    this.#hasSeen = database.prepare('SELECT 1 FROM authority_seen_orders WHERE id = ?');
    this.#addSeen = database.prepare(
      'INSERT OR IGNORE INTO authority_seen_orders (id, seen_at, forget_after) VALUES (?, ?, ?)',
    );
    this.#forget = database.prepare(
      'DELETE FROM authority_seen_orders WHERE forget_after IS NOT NULL AND forget_after < ?',
    );
    this.#agent = database.prepare('SELECT genesis, snapshot_seq, snapshot FROM authority_agents WHERE agent = ?');
    this.#begin = database.prepare('INSERT INTO authority_agents (agent, genesis) VALUES (?, ?)');
    this.#lastSeq = database.prepare('SELECT coalesce(max(seq), 0) AS seq FROM authority_journal WHERE agent = ?');
    this.#appendEntry = database.prepare('INSERT INTO authority_journal (agent, seq, entry) VALUES (?, ?, ?)');
    this.#snapshot = database.prepare('UPDATE authority_agents SET snapshot_seq = ?, snapshot = ? WHERE agent = ?');
    this.#entries = database.prepare(
      'SELECT seq, entry FROM authority_journal WHERE agent = ? AND seq > ? ORDER BY seq',
    );
  }

  has(id: string): boolean {
    return this.#hasSeen.get(id) !== undefined;
  }

  add(id: string, seenAt: number, forgetAfter?: number): void {
    this.#addSeen.run(id, seenAt, forgetAfter ?? null);
    this.#counted(seenAt);
  }

  prune(now: number): number {
    return Number(this.#forget.run(now).changes);
  }

  load(agent: string): StoredAuthority | undefined {
    const row = this.#agent.get(agent) as
      | { genesis: string; snapshot_seq: number; snapshot: string | null }
      | undefined;
    if (row === undefined) return undefined;
    const genesis = this.#parse(genesisSchema, row.genesis, `the genesis of agent '${agent}'`);
    const snapshot =
      row.snapshot === null
        ? null
        : {
            seq: row.snapshot_seq,
            state: this.#parse(snapshotSchema, row.snapshot, `the snapshot of agent '${agent}'`).state,
          };
    const rows = this.#entries.all(agent, snapshot?.seq ?? 0) as Array<{ seq: number; entry: string }>;
    let expected = (snapshot?.seq ?? 0) + 1;
    const entries: AuthorityJournalEntry[] = [];
    for (const entry of rows) {
      if (entry.seq !== expected) this.#damaged(`journal entry ${expected} of agent '${agent}' is missing`);
      entries.push(this.#parse(journalEntrySchema, entry.entry, `journal entry ${entry.seq} of agent '${agent}'`));
      expected += 1;
    }
    return {
      genesis: { charter: genesis.charter, createdAt: genesis.createdAt },
      snapshot,
      entries,
      length: expected - 1,
    };
  }

  begin(genesis: AuthorityGenesis): void {
    const text = JSON.stringify({ schemaVersion: authorityStoreSchemaVersion, ...genesis });
    try {
      this.#begin.run(genesis.charter.agent, text);
    } catch (error) {
      throw new InvalidInputError(
        `Agent '${genesis.charter.agent}' already has an authority in the state store ${this.#path}.`,
        { cause: error },
      );
    }
  }

  append(agent: string, entry: AuthorityJournalEntry, stateAfter: AuthorityState, forgetAfter?: number): void {
    const database = this.#database;
    database.exec('BEGIN IMMEDIATE');
    try {
      const seq = Number((this.#lastSeq.get(agent) as { seq: number }).seq) + 1;
      // Plain JSON: the stored form is parsed back with a schema, never hashed or signed.
      this.#appendEntry.run(agent, seq, JSON.stringify(entry));
      if (entry.kind === 'order') this.#addSeen.run(entry.envelope.id, entry.at, forgetAfter ?? null);
      if (seq % snapshotEvery === 0) {
        const snapshot = JSON.stringify({ schemaVersion: authorityStoreSchemaVersion, state: stateAfter });
        this.#snapshot.run(seq, snapshot, agent);
      }
      database.exec('COMMIT');
    } catch (error) {
      try {
        database.exec('ROLLBACK');
      } catch {
        // The failed statement may already have ended the transaction; the original error is what matters.
      }
      throw error;
    }
    if (entry.kind === 'order') this.#counted(entry.at);
  }

  close(): void {
    if (this.#database.isOpen) this.#database.close();
  }

  #counted(now: number): void {
    this.#additions += 1;
    if (this.#additions % pruneEvery === 0) this.prune(now);
  }

  #parse<Schema extends z.ZodType>(schema: Schema, text: string, what: string): z.output<Schema> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.#damaged(`${what} is not JSON (${(error as Error).message})`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) this.#damaged(`${what} is invalid: ${describeIssues(parsed.error).join('; ')}`);
    return parsed.data as z.output<Schema>;
  }

  #damaged(problem: string): never {
    throw new InvalidInputError(
      `The state store ${this.#path} is damaged: ${problem}. heed will not guess an agent's authority (its revocations, rotations and stops); restore the file from a backup, or move the state folder aside to start the agent afresh.`,
      { code: 'state-damaged' },
    );
  }
}
