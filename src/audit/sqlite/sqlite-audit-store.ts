import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ensurePrivateFile } from '../../core/private-files.ts';
import type { AuditBackend } from '../audit-backend.ts';
import type { AuditStore } from '../audit-event.ts';
import type { AuditChainHead, AuditRecord } from '../audit-record.ts';
import { AuditWriter, type AuditWriterOptions } from '../audit-writer.ts';
import { checkHeadRow } from '../check-head-row.ts';
import type { SealedBatch } from '../seal-audit-batch.ts';
import { ensureAuditSchema, selectRecordsSql } from './sqlite-audit-schema.ts';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.ts';

export interface SqliteAuditStoreOptions extends AuditWriterOptions {
  /** The database file, e.g. `.heed/heed.db`; created with its folder when missing. */
  path: string;
  /**
   * `normal` (default): in WAL mode a commit survives a crash of the process (it is in the WAL before `append`
   * resolves) and the file always stays consistent; only a power loss or OS crash can drop the last commits, and the
   * chain then still verifies up to the last entry that reached the disk. `full` also fsyncs the WAL on every commit,
   * for logs that must survive power loss, at the cost of one fsync per batch.
   */
  synchronous?: 'normal' | 'full';
  /** How long a commit waits for another writer's lock before it fails (and the store halts). Default 5000 ms. */
  busyTimeoutMs?: number;
}

const insertChunkRows = 32;

/** The audit log in a `node:sqlite` file (WAL mode), in its own `audit_*` tables beside other parts' tables. */
export function openSqliteAuditStore(options: SqliteAuditStoreOptions): AuditStore {
  return new AuditWriter(new SqliteAuditBackend(options), options);
}

class SqliteAuditBackend implements AuditBackend {
  readonly #database: DatabaseSync;
  readonly #readHead: StatementSync;
  readonly #insert: StatementSync;
  readonly #insertChunk: StatementSync;
  readonly #writeHead: StatementSync;
  readonly #select: StatementSync;
  readonly #checkpointer: WalCheckpointer | undefined;

  constructor(options: SqliteAuditStoreOptions) {
    if (options.path !== ':memory:') {
      mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
      // SQLite gives its -wal and -shm files the database file's mode.
      ensurePrivateFile(options.path, 'audit log');
    }
    this.#database = new DatabaseSync(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      this.#database.exec('PRAGMA journal_mode = WAL');
      this.#database.exec('PRAGMA secure_delete = ON');
      this.#database.exec(`PRAGMA synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      ensureAuditSchema(this.#database);
      this.#readHead = this.#database.prepare(
        'SELECT seq, hash, checkpoint_seq AS checkpointSeq FROM audit_head WHERE id = 1',
      );
      const insert = 'INSERT INTO audit_entries (seq, at, agent, type, data, prev, hash) VALUES ';
      this.#insert = this.#database.prepare(`${insert}(?, ?, ?, ?, ?, ?, ?)`);
      this.#insertChunk = this.#database.prepare(
        insert + Array(insertChunkRows).fill('(?, ?, ?, ?, ?, ?, ?)').join(', '),
      );
      this.#writeHead = this.#database.prepare(
        'UPDATE audit_head SET seq = ?, hash = ?, checkpoint_seq = ? WHERE id = 1',
      );
      this.#select = this.#database.prepare(selectRecordsSql);
      const last = this.#database.prepare('SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1').get();
      checkHeadRow(
        this.#readHead.get() as unknown as AuditChainHead,
        last as { seq: number; hash: string } | undefined,
        options.path,
      );
      if (options.path !== ':memory:') {
        this.#database.exec('PRAGMA wal_autocheckpoint = 0');
        this.#checkpointer = startWalCheckpointer(options.path);
      }
    } catch (error) {
      this.#database.close();
      throw error;
    }
  }

  commit(seal: (head: AuditChainHead) => SealedBatch): SealedBatch {
    // IMMEDIATE takes the write lock before reading the head, so two processes appending to one file never fork it.
    this.#database.exec('BEGIN IMMEDIATE');
    try {
      const head = this.#readHead.get() as unknown as AuditChainHead;
      const sealed = seal(head);
      this.#insertRecords(sealed.records);
      if (sealed.records.length > 0) {
        this.#writeHead.run(sealed.head.seq, sealed.head.hash, sealed.head.checkpointSeq);
      }
      this.#database.exec('COMMIT');
      return sealed;
    } catch (error) {
      try {
        this.#database.exec('ROLLBACK');
      } catch {
        // The failed statement may already have ended the transaction; the original error is what matters.
      }
      throw error;
    }
  }

  #insertRecords(records: readonly AuditRecord[]): void {
    // Many rows per statement: per-statement overhead is most of an insert's cost.
    const whole = records.length - (records.length % insertChunkRows);
    const parameters: Array<string | number> = [];
    for (let index = 0; index < records.length; index++) {
      const record = records[index]!;
      if (index >= whole) {
        this.#insert.run(record.seq, record.at, record.agent, record.type, record.dataJson, record.prev, record.hash);
        continue;
      }
      parameters.push(record.seq, record.at, record.agent, record.type, record.dataJson, record.prev, record.hash);
      if (parameters.length === insertChunkRows * 7) {
        this.#insertChunk.run(...parameters);
        parameters.length = 0;
      }
    }
  }

  readRecords(from: number, limit: number): AuditRecord[] {
    return this.#select.all(from, limit) as unknown as AuditRecord[];
  }

  close(): void {
    this.#checkpointer?.stop();
    // As the last connection, closing checkpoints the WAL into the file and removes it.
    this.#database.close();
  }
}
