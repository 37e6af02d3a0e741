import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { AuditBackend } from './audit-backend.ts';
import type { AuditEventInput } from './audit-event.ts';
import { type AuditChainHead, type AuditRecord, emptyChainHead } from './audit-record.ts';
import { AuditWriter } from './audit-writer.ts';
import type { SealedBatch } from './seal-audit-batch.ts';

/** A backend in memory that remembers how many entries each commit carried. */
class CountingBackend implements AuditBackend {
  readonly batches: number[] = [];
  readonly records: AuditRecord[] = [];
  #head: AuditChainHead = emptyChainHead;

  commit(seal: (head: AuditChainHead) => SealedBatch): SealedBatch {
    const sealed = seal(this.#head);
    this.records.push(...sealed.records);
    this.#head = sealed.head;
    this.batches.push(sealed.eventRecords.length);
    return sealed;
  }

  readRecords(from: number, limit: number): AuditRecord[] {
    return this.records.slice(from - 1, from - 1 + limit);
  }

  close(): void {}
}

const event = (name: string): AuditEventInput => ({ agent: 'a', type: 'tool-call-end', data: { name } });

describe('AuditWriter batching', () => {
  it('commits appends made in one tick together, in call order', async () => {
    const backend = new CountingBackend();
    const writer = new AuditWriter(backend);
    const entries = await Promise.all([writer.append(event('one')), writer.append(event('two'))]);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2]);
    expect(backend.batches).toEqual([2]);
  });

  it('lets deferred appends wait for the next append that is not deferred, and share its commit', async () => {
    const backend = new CountingBackend();
    const writer = new AuditWriter(backend);
    const deferred = writer.append(event('deferred'), { defer: true });
    await Promise.resolve();
    await Promise.resolve();
    expect(backend.batches).toEqual([]);
    const urgent = writer.append(event('urgent'));
    const [first, second] = await Promise.all([deferred, urgent]);
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect([first.data.name, second.data.name]).toEqual(['deferred', 'urgent']);
    expect(backend.batches).toEqual([2]);
  });

  it('commits a deferred append alone once the event loop turns', async () => {
    const backend = new CountingBackend();
    const writer = new AuditWriter(backend);
    let committed = false;
    const pending = writer.append(event('alone'), { defer: true }).then((entry) => {
      committed = true;
      return entry;
    });
    await nextTurn();
    await nextTurn();
    expect(committed).toBe(true);
    expect((await pending).seq).toBe(1);
    expect(backend.batches).toEqual([1]);
  });

  it('commits deferred appends before it closes', async () => {
    const backend = new CountingBackend();
    const writer = new AuditWriter(backend);
    const pending = writer.append(event('last'), { defer: true });
    await writer.close();
    expect((await pending).seq).toBe(1);
    expect(backend.records.map((record) => record.type)).toEqual(['tool-call-end', 'checkpoint']);
  });
});

describe('entries the writer hands back', () => {
  it('are plain data: every field, data included, is an own value, so spreading, cloning and JSON keep it', async () => {
    const writer = new AuditWriter(new CountingBackend());
    const appended = await writer.append({ agent: 'a', type: 'tool-call-end', data: { name: 'x', n: 1 } });
    const entries = [appended];
    for await (const read of writer.read()) entries.push(read);
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      for (const field of ['seq', 'at', 'agent', 'type', 'data', 'prev', 'hash']) {
        const descriptor = Object.getOwnPropertyDescriptor(entry, field);
        expect(descriptor?.get, field).toBeUndefined();
        expect(descriptor && 'value' in descriptor, field).toBe(true);
      }
      expect(structuredClone(entry).data).toEqual({ name: 'x', n: 1 });
      expect(JSON.parse(JSON.stringify({ ...entry })).data).toEqual({ name: 'x', n: 1 });
    }
  });
});
