import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { InvalidInputError } from '../core/heed-error.ts';
import { ensurePrivateFile } from '../core/private-files.ts';

export const defaultStatePath = '.heed/heed.db';

/**
 * Ids of accepted envelopes, for replay protection. Only accepted envelopes are ever recorded. An id may be
 * forgotten once its envelope could no longer verify anyway (expired, beyond the clock skew and a margin), so
 * the store does not grow without bound on an agent that renews its lease every minute for years.
 */
export interface SeenOrderStore {
  has(id: string): boolean;
  /** `forgetAfter` (ms since the epoch): when the id may be dropped; kept for ever when absent. */
  add(id: string, seenAt: number, forgetAfter?: number): void;
  /** Drops the ids whose `forgetAfter` is before `now`; returns how many. `add` also does this now and then. */
  prune(now: number): number;
  close(): void;
}

/** Every this many additions, a store prunes what it may forget. */
const pruneEvery = 1000;

export function createMemorySeenOrderStore(): SeenOrderStore {
  const seen = new Map<string, { seenAt: number; forgetAfter: number | undefined }>();
  let additions = 0;
  const store: SeenOrderStore = {
    has: (id) => seen.has(id),
    add: (id, seenAt, forgetAfter) => {
      if (!seen.has(id)) seen.set(id, { seenAt, forgetAfter });
      additions += 1;
      if (additions % pruneEvery === 0) store.prune(seenAt);
    },
    prune: (now) => {
      let dropped = 0;
      for (const [id, entry] of seen) {
        if (entry.forgetAfter !== undefined && entry.forgetAfter < now) {
          seen.delete(id);
          dropped += 1;
        }
      }
      return dropped;
    },
    close: () => {},
  };
  return store;
}

/** Persists seen ids in node:sqlite (WAL), in a table of its own so the file can hold other stores too. */
export function openSqliteSeenOrderStore(path = defaultStatePath): SeenOrderStore {
  let database: DatabaseSync | undefined;
  try {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      ensurePrivateFile(path, 'state store');
    }
    database = new DatabaseSync(path);
    database.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    database.exec(
      'CREATE TABLE IF NOT EXISTS authority_seen_orders (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL, forget_after INTEGER) STRICT',
    );
    // Stores written before ids could be forgotten lack the column; their ids stay for ever.
    const columns = database.prepare('PRAGMA table_info(authority_seen_orders)').all() as Array<{ name: string }>;
    if (!columns.some((column) => column.name === 'forget_after')) {
      database.exec('ALTER TABLE authority_seen_orders ADD COLUMN forget_after INTEGER');
    }
  } catch (error) {
    if (database?.isOpen) database.close();
    throw new InvalidInputError(`Cannot open the state store ${path}: ${(error as Error).message}`, {
      cause: error,
      code: 'io',
    });
  }
  const open = database;
  const select: StatementSync = open.prepare('SELECT 1 FROM authority_seen_orders WHERE id = ?');
  const insert: StatementSync = open.prepare(
    'INSERT OR IGNORE INTO authority_seen_orders (id, seen_at, forget_after) VALUES (?, ?, ?)',
  );
  const forget: StatementSync = open.prepare(
    'DELETE FROM authority_seen_orders WHERE forget_after IS NOT NULL AND forget_after < ?',
  );
  let additions = 0;
  const store: SeenOrderStore = {
    has: (id) => select.get(id) !== undefined,
    add: (id, seenAt, forgetAfter) => {
      insert.run(id, seenAt, forgetAfter ?? null);
      additions += 1;
      if (additions % pruneEvery === 0) store.prune(seenAt);
    },
    prune: (now) => Number(forget.run(now).changes),
    close: () => {
      if (open.isOpen) open.close();
    },
  };
  return store;
}
