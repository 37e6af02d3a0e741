import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../core/ed25519.ts';
import { agentRegistrationSchema, orderStreamEvent } from '../kernel/fleet/fleet-protocol.ts';
import { orderFrame, streamOrders } from './order-stream.ts';
import type { OrderRecord, ServerStore } from './store/server-store.ts';
import { openSqliteServerStore } from './store/sqlite-server-store.ts';

const record = (seq: number, envelope: string): OrderRecord => ({
  seq,
  target: 'group:fleet',
  envelopeId: `order-${seq}`,
  kind: 'stop',
  envelope,
  submittedBy: 'alice',
  submittedAt: '2026-01-01T00:00:00.000Z',
});

function parse(bytes: Uint8Array): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(new TextDecoder().decode(bytes));
  return events;
}

describe('orderFrame', () => {
  it('carries the envelope exactly as submitted, newlines included, under the order event and its seq', () => {
    const pretty = JSON.stringify({ id: 'x', agent: 'group:fleet', body: { reason: 'a\nb' } }, null, 2);
    const windows = pretty.replaceAll('\n', '\r\n');
    for (const [seq, text] of [
      [7, '{"id":"x"}'],
      [8, pretty],
    ] as const) {
      expect(parse(orderFrame(record(seq, text)))).toEqual([{ event: orderStreamEvent, id: String(seq), data: text }]);
    }
    // Line endings are the transport's: CRLF lines arrive as LF lines, which JSON reads alike.
    expect(JSON.parse(parse(orderFrame(record(9, windows)))[0]!.data)).toEqual(JSON.parse(windows));
  });

  it('encodes an announced order once for every stream that sends it', () => {
    const order = record(1, '{"id":"x"}');
    expect(orderFrame(order)).toBe(orderFrame(order));
    expect(orderFrame({ ...order })).not.toBe(orderFrame(order));
    expect(orderFrame({ ...order })).toEqual(orderFrame(order));
  });
});

describe('streamOrders', () => {
  const folders: string[] = [];
  const stores: ServerStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  async function openStream(afterSeq = 0) {
    const folder = mkdtempSync(join(tmpdir(), 'heed-order-stream-'));
    folders.push(folder);
    const store = openSqliteServerStore(folder);
    stores.push(store);
    const registration = agentRegistrationSchema.parse({
      agent: 'agent-1',
      publicKey: null,
      charterHash: 'a'.repeat(64),
      groups: ['fleet'],
      principals: [{ id: 'alice', key: generateKeyPair().publicKeyText, roles: ['owner'] }],
      runId: 'run-1',
      authority: {},
    });
    const agent = (await store.registerAgent(registration, '2026-01-01T00:00:00.000Z'))!;
    // Counts the stream's reads of the store, to tell orders sent as announced from orders read back.
    let reads = 0;
    const ordersFor = store.ordersFor.bind(store);
    store.ordersFor = (...query) => {
      reads += 1;
      return ordersFor(...query);
    };
    let open = 0;
    const response = streamOrders({
      store,
      agent,
      afterSeq,
      keepAliveMs: 60_000,
      now: () => '2026-01-01T00:00:00.000Z',
      onOpen: () => {
        open += 1;
      },
      onClose: () => {
        open -= 1;
      },
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    /** Reads until `count` orders have arrived. */
    const readOrders = async (count: number) => {
      while (events.length < count) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended after ${events.length} orders`);
        parser.feed(value);
      }
      return events.slice(0, count);
    };
    const add = (target: string, index: number, padding = 0) =>
      store.addOrder({
        target,
        envelopeId: `order-${index}`,
        kind: 'stop',
        envelope: JSON.stringify({ id: `order-${index}`, agent: target, pad: 'x'.repeat(padding) }),
        submittedBy: 'alice',
        submittedAt: '2026-01-01T00:00:00.000Z',
      });
    return { store, response, reader, readOrders, add, isOpen: () => open > 0, reads: () => reads };
  }

  it('sends every order for the agent and its groups, in sequence, once, and none for others', async () => {
    const stream = await openStream();
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
    await expect.poll(() => stream.reads()).toBe(1);
    const added: OrderRecord[] = [];
    for (let index = 0; index < 30; index++) {
      const target = ['agent-1', 'group:fleet', 'agent-2', 'group:other'][index % 4]!;
      added.push(await stream.add(target, index));
    }
    const mine = added.filter((order) => order.target === 'agent-1' || order.target === 'group:fleet');
    const events = await stream.readOrders(mine.length);
    expect(events.map((event) => Number(event.id))).toEqual(mine.map((order) => order.seq));
    expect(events.map((event) => JSON.parse(event.data).id)).toEqual(mine.map((order) => order.envelopeId));
    // Each was sent as the store announced it, without reading the store again.
    expect(stream.reads()).toBe(1);
    await stream.reader.cancel();
  });

  it('gives an agent that reads slowly every order in sequence: past 64 KB queued, the rest comes from the store', async () => {
    const stream = await openStream();
    // Orders announced while nothing is read: 200 of 2 KB each are several times what a stream queues.
    const added: OrderRecord[] = [];
    for (let index = 0; index < 200; index++) added.push(await stream.add('group:fleet', index, 2048));
    const events = await stream.readOrders(added.length);
    expect(events.map((event) => Number(event.id))).toEqual(added.map((order) => order.seq));
    // The first read opened the stream; the agent falling behind made it read again.
    expect(stream.reads()).toBeGreaterThan(1);
    // Caught up, it takes announced orders again.
    const later = await stream.add('agent-1', 200);
    expect(Number((await stream.readOrders(added.length + 1)).at(-1)!.id)).toBe(later.seq);
    expect(stream.isOpen()).toBe(true);
    await stream.reader.cancel();
    await expect.poll(() => stream.isOpen()).toBe(false);
  });

  it('resumes after the sequence number the agent already has', async () => {
    const stream = await openStream(2);
    const added: OrderRecord[] = [];
    for (let index = 0; index < 5; index++) added.push(await stream.add('agent-1', index));
    const events = await stream.readOrders(3);
    expect(events.map((event) => Number(event.id))).toEqual([3, 4, 5]);
    await stream.reader.cancel();
  });
});
