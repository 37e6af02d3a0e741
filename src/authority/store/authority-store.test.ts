import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { createMemoryAuthorityStore } from './memory-authority-store.ts';
import { openSqliteAuthorityStore } from './sqlite-authority-store.ts';

const openSqliteSeenOrderStore = openSqliteAuthorityStore;
const createMemorySeenOrderStore = createMemoryAuthorityStore;

describe('seen order ids in the state stores', () => {
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

  it.each([
    ['sqlite', () => openSqliteSeenOrderStore(join(mkdtempSync(join(tmpdir(), 'heed-seen-')), 'heed.db'))],
    ['memory', () => createMemorySeenOrderStore()],
  ])('%s: forgets ids only once their time has passed, and prunes by itself now and then', (_name, open) => {
    const store = open();
    store.add('expires-early', 1, 100);
    store.add('expires-late', 1, 10_000);
    store.add('kept-for-ever', 1);
    expect(store.prune(99)).toBe(0);
    expect(store.prune(101)).toBe(1);
    expect(['expires-early', 'expires-late', 'kept-for-ever'].map((id) => store.has(id))).toEqual([false, true, true]);
    for (let index = 0; index < 1000; index++) store.add(`order-${index}`, 20_000, 20_000 + index);
    // The thousandth addition pruned what had passed by then (20 000 ms): the late id, and none of the new ones.
    expect(store.has('expires-late')).toBe(false);
    expect(store.has('kept-for-ever')).toBe(true);
    expect(store.has('order-0')).toBe(true);
    store.close();
  });

  it('opens a state store written before journals existed (test/fixtures/state/v0.db), keeping its ids', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'heed-seen-')), 'heed.db');
    copyFileSync(new URL('../../../test/fixtures/state/v0.db', import.meta.url), path);
    const store = openSqliteAuthorityStore(path);
    expect(store.has('order-seen-before-authority-journals')).toBe(true);
    expect(store.has('order-kept-for-ever')).toBe(true);
    expect(store.load('agent-1')).toBeUndefined();
    store.close();
  });

  it('opens a store written before ids could be forgotten, keeping its ids', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'heed-seen-')), 'heed.db');
    const old = new DatabaseSync(path);
    old.exec('CREATE TABLE authority_seen_orders (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL) STRICT');
    old.exec("INSERT INTO authority_seen_orders VALUES ('old-order', 5)");
    old.close();
    const store = openSqliteSeenOrderStore(path);
    expect(store.has('old-order')).toBe(true);
    store.add('new-order', 6, 7);
    expect(store.prune(Number.MAX_SAFE_INTEGER)).toBe(1);
    expect(store.has('old-order')).toBe(true);
    store.close();
  });

  it('has an in-memory variant with the same behaviour', () => {
    const store = createMemorySeenOrderStore();
    store.add('order-0001', 1);
    expect(store.has('order-0001')).toBe(true);
    expect(store.has('order-0002')).toBe(false);
  });
});
