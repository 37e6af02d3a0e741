import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { orderStreamEvent } from '../kernel/fleet/fleet-protocol.ts';
import { orderFrame } from './order-stream.ts';
import type { OrderRecord } from './store/server-store.ts';

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
