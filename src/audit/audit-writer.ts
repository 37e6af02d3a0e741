import type { KeyObject } from 'node:crypto';
import { type Clock, systemClock } from '../core/clock.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import { type AnchorRecord, type AuditAnchor, anchorSchemaVersion } from './anchor/audit-anchor.ts';
import type { AuditBackend } from './audit-backend.ts';
import { createCheckpointSigner } from './audit-checkpoint.ts';
import type { AppendOptions, AuditEntry, AuditEventInput, AuditStore } from './audit-event.ts';
import { type AuditRecord, recordToEntry } from './audit-record.ts';
import { AuditWriteError } from './audit-write-error.ts';
import { type PreparedAuditEvent, prepareAuditEvent } from './prepare-audit-event.ts';
import { type SealedBatch, type SealOptions, sealAuditBatch } from './seal-audit-batch.ts';

export interface AuditWriterOptions {
  /** The agent whose key signs checkpoints; checkpoints name the last event's agent when absent. */
  agent?: string;
  /** Ed25519 private key that signs checkpoints; without it checkpoints are written unsigned. */
  signingKey?: KeyObject;
  clock?: Clock;
  /** A signed checkpoint follows every this many entries (and one is written on close). Default 1000. */
  checkpointEvery?: number;
  /** Where each checkpoint's seq and hash are also written, out of the writer's reach (see `audit/anchor`). */
  anchors?: readonly AuditAnchor[];
}

interface Pending {
  event: PreparedAuditEvent;
  resolve: (entry: AuditEntry) => void;
  reject: (error: unknown) => void;
}

const readPageSize = 1000;

/**
 * The one writer every store shares: appends made in the same tick are committed in one transaction (deferred ones
 * wait for the next append that is not, or for the event loop to turn), and the first failed commit halts it for
 * good (fail closed), so no entry is ever accepted after a gap.
 */
export class AuditWriter implements AuditStore {
  readonly #backend: AuditBackend;
  readonly #seal: SealOptions;
  readonly #anchors: readonly AuditAnchor[];
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  /** Set while a flush waits for the event loop to turn: calling it commits in this tick's microtasks instead. */
  #hurry: (() => void) | undefined;
  #failure: AuditWriteError | undefined;
  #closing: Promise<void> | undefined;

  constructor(backend: AuditBackend, options: AuditWriterOptions = {}) {
    const checkpointEvery = options.checkpointEvery ?? 1000;
    if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) {
      throw new InvalidInputError(`checkpointEvery must be a positive integer, not ${checkpointEvery}.`);
    }
    this.#backend = backend;
    this.#anchors = options.anchors ?? [];
    this.#seal = {
      clock: options.clock ?? systemClock,
      signer: options.signingKey === undefined ? undefined : createCheckpointSigner(options.signingKey),
      agent: options.agent,
      checkpointEvery,
    };
  }

  append(event: AuditEventInput, options: AppendOptions = {}): Promise<AuditEntry> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closing !== undefined) {
      return Promise.reject(
        new AuditWriteError('audit-store-closed', 'The audit store is closed; it accepts no entries.'),
      );
    }
    let prepared: PreparedAuditEvent;
    try {
      prepared = prepareAuditEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AuditEntry>((resolve, reject) => {
      this.#queue.push({ event: prepared, resolve, reject });
      if (this.#flushing === undefined) this.#flushing = this.#flush(options.defer === true);
      else if (options.defer !== true) this.#hurry?.();
    });
  }

  async *read(options: { from?: number; limit?: number } = {}): AsyncIterable<AuditEntry> {
    let from = Math.max(1, Math.trunc(options.from ?? 1));
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const records: AuditRecord[] = await this.#backend.readRecords(from, Math.min(readPageSize, remaining));
      for (const record of records) yield recordToEntry(record);
      if (records.length === 0) return;
      remaining -= records.length;
      from = records[records.length - 1]!.seq + 1;
    }
  }

  /** Commits what is queued, seals the tail with a checkpoint, and closes the backend. Later appends reject. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#hurry?.();
    while (this.#flushing !== undefined) await this.#flushing;
    try {
      if (this.#failure === undefined) {
        const sealed = await this.#backend.commit((head) => sealAuditBatch(head, [], this.#seal, true));
        this.#anchor(sealed);
      }
    } finally {
      await this.#backend.close();
      for (const anchor of this.#anchors) await anchor.close();
    }
  }

  /** Hands each checkpoint just committed to the anchors; one that cannot take it fails the writer closed. */
  #anchor(sealed: SealedBatch): void {
    if (this.#anchors.length === 0) return;
    for (const record of sealed.records) {
      if (record.type !== 'checkpoint') continue;
      const { publicKey } = JSON.parse(record.dataJson) as { publicKey: string | null };
      const anchored: AnchorRecord = {
        schemaVersion: anchorSchemaVersion,
        agent: record.agent,
        seq: record.seq,
        hash: record.hash,
        publicKey,
        at: record.at,
      };
      const checkpoint = recordToEntry(record);
      for (const anchor of this.#anchors) anchor.append(anchored, checkpoint);
    }
  }

  async #flush(deferred: boolean): Promise<void> {
    // One microtask lets every append made in this tick join the batch; deferred entries wait for more company.
    if (deferred) {
      await new Promise<void>((resolve) => {
        const timer = setImmediate(resolve);
        this.#hurry = () => {
          clearImmediate(timer);
          resolve();
        };
      });
      this.#hurry = undefined;
    } else {
      await Promise.resolve();
    }
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      if (this.#failure !== undefined) {
        for (const pending of batch) pending.reject(this.#failure);
        continue;
      }
      try {
        const events = batch.map((pending) => pending.event);
        const sealed = await this.#backend.commit((head) => sealAuditBatch(head, events, this.#seal));
        this.#anchor(sealed);
        for (let index = 0; index < batch.length; index++) {
          batch[index]!.resolve(recordToEntry(sealed.eventRecords[index]!));
        }
      } catch (error) {
        this.#failure = new AuditWriteError(
          'audit-write-failed',
          `The audit store failed to commit: ${(error as Error).message}. It accepts no more entries (fail closed).`,
          { cause: error },
        );
        for (const pending of batch) pending.reject(this.#failure);
      }
    }
    this.#flushing = undefined;
  }
}
