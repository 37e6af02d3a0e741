import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './wal-checkpointer.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-wal-checkpointer-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the WAL checkpointer thread', () => {
  it('closes its connection when stopped, without waiting for its next tick', () => {
    const path = join(folder, 'a.db');
    const writer = new DatabaseSync(path);
    writer.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x)');
    // An interval far longer than the bound a stop waits: only a stop that reaches the thread at once confirms.
    const checkpointer = startWalCheckpointer(path, 3_600_000);
    expect(checkpointer.stop()).toBe(true);
    // Stopping twice answers the same and waits for nothing.
    expect(checkpointer.stop()).toBe(true);
    writer.close();
  });
});
