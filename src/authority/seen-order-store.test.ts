import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/heed-error.ts';
import { createMemorySeenOrderStore, openSqliteSeenOrderStore } from './seen-order-store.ts';

describe('seen order stores', () => {
  it('remember ids across reopening, in WAL mode, creating parent folders', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'heed-seen-')), 'nested', 'state', 'heed.db');
    const first = openSqliteSeenOrderStore(path);
    expect(first.has('order-0001')).toBe(false);
    first.add('order-0001', 1000);
    first.add('order-0001', 2000);
    first.close();
    const second = openSqliteSeenOrderStore(path);
    expect(second.has('order-0001')).toBe(true);
    expect(second.has('order-0002')).toBe(false);
    second.close();
    const database = new DatabaseSync(path, { readOnly: true });
    expect(database.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(database.prepare('SELECT id, seen_at FROM authority_seen_orders').all()).toEqual([
      { id: 'order-0001', seen_at: 1000 },
    ]);
    database.close();
  });

  it('names the path it cannot open', () => {
    const folder = mkdtempSync(join(tmpdir(), 'heed-seen-'));
    const file = join(folder, 'not-a-folder');
    writeFileSync(file, '');
    const inside = join(file, 'heed.db');
    expect(() => openSqliteSeenOrderStore(inside)).toThrow(InvalidInputError);
    expect(() => openSqliteSeenOrderStore(inside)).toThrow(/not-a-folder/);
  });

  it('has an in-memory variant with the same behaviour', () => {
    const store = createMemorySeenOrderStore();
    store.add('order-0001', 1);
    expect(store.has('order-0001')).toBe(true);
    expect(store.has('order-0002')).toBe(false);
  });
});
