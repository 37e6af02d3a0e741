import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { InvalidInputError } from '../core/heed-error.ts';

export const defaultStatePath = '.heed/heed.db';

/** Ids of accepted envelopes, for replay protection. Only accepted envelopes are ever recorded. */
export interface SeenOrderStore {
  has(id: string): boolean;
  add(id: string, seenAt: number): void;
  close(): void;
}

export function createMemorySeenOrderStore(): SeenOrderStore {
  const seen = new Map<string, number>();
  return {
    has: (id) => seen.has(id),
    add: (id, seenAt) => {
      seen.set(id, seenAt);
    },
    close: () => {},
  };
}

/** Persists seen ids in node:sqlite (WAL), in a table of its own so the file can hold other stores too. */
export function openSqliteSeenOrderStore(path = defaultStatePath): SeenOrderStore {
  let database: DatabaseSync | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = new DatabaseSync(path);
    database.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
    database.exec(
      'CREATE TABLE IF NOT EXISTS authority_seen_orders (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL) STRICT',
    );
  } catch (error) {
    if (database?.isOpen) database.close();
    throw new InvalidInputError(`Cannot open the state store ${path}: ${(error as Error).message}`, {
      cause: error,
      code: 'io',
    });
  }
  const open = database;
  const select: StatementSync = open.prepare('SELECT 1 FROM authority_seen_orders WHERE id = ?');
  const insert: StatementSync = open.prepare('INSERT OR IGNORE INTO authority_seen_orders (id, seen_at) VALUES (?, ?)');
  return {
    has: (id) => select.get(id) !== undefined,
    add: (id, seenAt) => {
      insert.run(id, seenAt);
    },
    close: () => {
      if (open.isOpen) open.close();
    },
  };
}
