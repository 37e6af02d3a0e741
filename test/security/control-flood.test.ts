// Guarantee: the control endpoint cannot be flooded shut. Rejected orders are recorded bounded (512 bytes of detail
// plus the body's hash) and rate-limited with a count of what was dropped; connections are capped (the longest idle
// gives way) and timed out; a valid stop gets through 2,000 junk requests a second and 1,000 idle connections.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { maxRecordedRejectedBytes } from '../../src/kernel/order-input-record.ts';
import { boundedDetail, maxRejectionDetailBytes, RejectionBudget } from '../../src/kernel/record-rejection.ts';
import { runHeed } from '../helpers/run-heed.ts';
import { exited, startHeedRun } from '../helpers/start-heed-run.ts';
import { createTestKernel, signOrder } from '../kernel/kernel-fixture.ts';

const clock = { now: () => Date.now() };
const owner = generateKeyPair();
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'heed-flood-'));
  mkdirSync(join(root, 'workspace'));
  mkdirSync(join(root, 'keys'));
  writeFileSync(join(root, 'keys', 'alice.key.jwk'), JSON.stringify(owner.privateJwk), { mode: 0o600 });
  writeFileSync(
    join(root, 'charter.yaml'),
    `agent: agent-1\ntarget: if-ranked\nprincipals:\n  - id: alice\n    key: ${owner.publicKeyText}\n    roles: [owner]\n`,
  );
  // A model that thinks for a minute: the run is alive for as long as the flood lasts.
  writeFileSync(join(root, 'turns.json'), JSON.stringify([{ text: 'done', delayMs: 60_000 }]));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Junk like the reported flood: valid JSON whose unknown fields zod would quote whole. */
function junkBody(index: number): string {
  const field = `x${index}`.padEnd(index % 4 === 0 ? 60_000 : 2_000, 'A');
  return JSON.stringify({ v: 1, id: `junk-${index}-id`, [field]: 1 });
}

function post(url: URL, body: string, agent: Agent | false): Promise<number> {
  return new Promise((resolve) => {
    const sent = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    sent.once('error', () => resolve(0));
    sent.end(body);
  });
}

describe('the rejected-order record', () => {
  it('keeps at most 512 bytes of detail, whole code points, and a hash of the body', async () => {
    const { kernel, store } = await createTestKernel({ turns: [{ text: 'x' }] });
    const body = junkBody(0).replace('"v":1', '"v":1,"😀":"é'.concat('é'.repeat(400), '"'));
    expect(kernel.deliver(body)).toMatchObject({ accepted: false, reason: 'malformed' });
    await kernel.halt();
    const entry = store.entries.find((candidate) => candidate.type === 'order-rejected')!;
    expect(Buffer.byteLength(entry.data.detail as string)).toBeLessThanOrEqual(maxRejectionDetailBytes);
    expect(entry.data).toMatchObject({
      bodyBytes: Buffer.byteLength(body),
      bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(entry.data.envelope).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(entry.data))).toBeLessThan(1024);
    // A small JSON object is kept whole beside its hash: an auditor can re-verify who claimed to order what.
    const small = JSON.stringify({ v: 1, id: 'small-junk', agent: 'someone-else', kind: 'stop' });
    const fresh = await createTestKernel({ turns: [{ text: 'x' }] });
    expect(fresh.kernel.deliver(small)).toMatchObject({ accepted: false });
    await fresh.kernel.halt();
    const smallEntry = fresh.store.entries.find((candidate) => candidate.type === 'order-rejected')!;
    expect(smallEntry.data).toMatchObject({ envelope: JSON.parse(small), bodyBytes: Buffer.byteLength(small) });
    expect(maxRecordedRejectedBytes).toBeLessThan(Buffer.byteLength(body));
    for (const detail of ['é'.repeat(600), '😀'.repeat(300)]) expect(boundedDetail(detail).isWellFormed()).toBe(true);
  });

  it('is rate-limited, and the dropped ones are counted before the halt', async () => {
    const { kernel, store } = await createTestKernel({ turns: [{ text: 'x', delayMs: 10_000 }] });
    kernel.deliver(signOrder('task', { text: 'work' }, { clock }));
    const running = kernel.run();
    for (let index = 0; index < 500; index += 1) kernel.deliver(junkBody(index + 1));
    expect(kernel.deliver(signOrder('stop', {}, { clock })).accepted).toBe(true);
    await running;
    const rejected = store.entries.filter((entry) => entry.type === 'order-rejected');
    const recorded = rejected.filter((entry) => entry.data.reason !== 'rate-limited').length;
    const dropped = rejected.reduce(
      (sum, entry) => sum + Number(entry.data.dropped ?? 0) + Number(entry.data.droppedBefore ?? 0),
      0,
    );
    expect(recorded).toBeLessThan(100);
    expect(recorded + dropped).toBe(500);
    expect(rejected.at(-1)!.seq).toBeLessThan(store.entries.find((entry) => entry.type === 'halt')!.seq);
  });

  it('a budget refills over time', () => {
    const budget = new RejectionBudget(0, { burst: 2, perSecond: 1 });
    expect([budget.take(0), budget.take(0), budget.take(0)].map((taken) => taken.record)).toEqual([true, true, false]);
    expect(budget.take(1000)).toEqual({ record: true, droppedBefore: 1 });
  });
});

describe('heed run under a flood on its control port', () => {
  it('accepts a valid stop while 2,000 junk requests a second and 1,000 idle connections hit it', async () => {
    const run = startHeedRun(
      [
        '--charter',
        'charter.yaml',
        '--task',
        'think',
        '--key',
        'keys/alice.key.jwk',
        '--model',
        'scripted:turns.json',
        '--workspace',
        'workspace',
        '--state',
        'state',
        '--control-port',
        '0',
        '--no-screening',
      ],
      { cwd: root },
    );
    const endpoint = new URL((await run.waitFor(/control endpoint http/)).split(' ').at(-1)!);
    await run.waitFor(/model call model-1/);
    const orders = new URL('/orders', endpoint);

    const idle: Socket[] = [];
    let closedByServer = 0;
    await Promise.all(
      Array.from(
        { length: 1000 },
        () =>
          new Promise<void>((resolve) => {
            const socket = connect({ host: endpoint.hostname, port: Number(endpoint.port) }, () => resolve());
            socket.once('error', () => resolve());
            socket.once('close', () => {
              closedByServer += 1;
            });
            idle.push(socket);
          }),
      ),
    );

    // The load generator: up to 2,000 requests a second for two seconds, at most 64 in flight.
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const statuses = new Map<number, number>();
    let sent = 0;
    const flood = (async () => {
      const start = performance.now();
      const inFlight = new Set<Promise<void>>();
      while (sent < 4000 && performance.now() - start < 2000) {
        if (sent >= ((performance.now() - start) / 1000) * 2000 || inFlight.size >= 64) {
          await Promise.race([...inFlight, new Promise((resolve) => setTimeout(resolve, 1))]);
          continue;
        }
        const index = sent++;
        const done: Promise<void> = post(orders, junkBody(index), agent).then((status) => {
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          inFlight.delete(done);
        });
        inFlight.add(done);
      }
      await Promise.all(inFlight);
    })();

    // Mid-flood, the owner's stop on a fresh connection.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stop = signEnvelope(
      createEnvelope({ agent: 'agent-1', kind: 'stop', body: {}, ttlMs: 60_000, now: Date.now() }),
      { principal: 'alice', privateKey: owner.privateKey },
    );
    const stopStatus = await post(orders, JSON.stringify(stop), false);
    await flood;
    agent.destroy();
    for (const socket of idle) socket.destroy();

    expect(stopStatus).toBe(200);
    expect(await exited(run.child)).toBe(1);
    expect(run.lines.some((line) => /halted \(stop\)/.test(line))).toBe(true);
    expect(sent).toBeGreaterThan(100);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    // At the cap the idle connections gave way to the flood and the stop.
    expect(closedByServer).toBeGreaterThan(500);

    const exported = await runHeed(['audit', 'export', '--jsonl', '--db', 'state/heed.db'], { cwd: root });
    const entries = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
    const rejected = entries.filter((entry) => entry.type === 'order-rejected');
    const dropped = rejected.reduce(
      (sum, entry) => sum + Number(entry.data.dropped ?? 0) + Number(entry.data.droppedBefore ?? 0),
      0,
    );
    expect(rejected.length).toBeLessThan(200);
    expect(dropped).toBeGreaterThan(0);
    for (const entry of rejected) {
      expect(Buffer.byteLength(JSON.stringify(entry.data))).toBeLessThan(maxRecordedRejectedBytes + 1024);
    }
    expect(statSync(join(root, 'state', 'heed.db')).size).toBeLessThan(8 * 1024 * 1024);
  });
});
