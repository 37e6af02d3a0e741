import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/canonical-json.ts';
import { generateKeyPair } from '../core/ed25519.ts';
import type { AuditEntry } from './audit-event.ts';
import { hashRecord, recordHashInput } from './audit-record.ts';
import { openMemoryAuditStore } from './memory/memory-audit-store.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

const long = process.env.HEED_TEST_SIZE === 'long';
const seed = process.env.HEED_TEST_SEED === undefined ? undefined : Number(process.env.HEED_TEST_SEED);
const runs = { numRuns: long ? 2000 : 150, ...(seed === undefined ? {} : { seed }) };

const agentKey = generateKeyPair();
// 20 events with a checkpoint after every 5: checkpoints at seq 6, 12, 18 and 24, the last entry.
const chainLength = 24;

async function chain(): Promise<AuditEntry[]> {
  const store = openMemoryAuditStore({ agent: 'agent-1', signingKey: agentKey.privateKey, checkpointEvery: 5 });
  for (let index = 0; index < 20; index++) {
    await store.append({ agent: 'agent-1', type: 'tool-call-end', data: { index, result: `output ${index}` } });
  }
  const entries: AuditEntry[] = [];
  for await (const entry of store.read()) entries.push({ ...entry, data: entry.data });
  await store.close();
  return entries;
}

const original = await chain();
const copy = (): AuditEntry[] => original.map((entry) => ({ ...entry, data: structuredClone(entry.data) }));

/** Re-hashes every entry from `from` on, as an attacker who can write the store but has no signing key would. */
function rehashFrom(entries: AuditEntry[], from: number): void {
  for (let index = from; index < entries.length; index++) {
    const entry = entries[index]!;
    entry.prev = index === 0 ? entry.prev : entries[index - 1]!.hash;
    entry.hash = hashRecord({ ...entry, dataJson: canonicalJson(entry.data) });
  }
}

describe('the chain hash', () => {
  it('hashes exactly the RFC 8785 canonical JSON of the entry without its hash', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: 2 ** 40 }),
          at: fc.string({ unit: 'binary' }),
          agent: fc.string({ unit: 'binary' }),
          type: fc.string(),
          data: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()),
          prev: fc.string(),
        }),
        (entry) => {
          const dataJson = canonicalJson(entry.data);
          expect(recordHashInput({ ...entry, dataJson })).toBe(canonicalJson(entry));
        },
      ),
      runs,
    );
  });
});

describe('verifyAuditChain', () => {
  it('accepts an untouched chain and reports its head and checkpoints', async () => {
    const verdict = await verifyAuditChain(original, { trustedKeys: [agentKey.publicKeyText], requireSealed: true });
    expect(verdict).toEqual({
      ok: true,
      entries: chainLength,
      head: { seq: chainLength, hash: original.at(-1)!.hash },
      checkpoints: { signed: 4, unsigned: 0, lastSignedSeq: chainLength, keys: [agentKey.publicKeyText] },
      unsealed: 0,
    });
  });

  it('names the first bad seq when any field of any entry is altered', async () => {
    const fields = ['seq', 'at', 'agent', 'type', 'data', 'prev', 'hash'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: chainLength - 1 }),
        fc.constantFrom(...fields),
        async (index, field) => {
          const entries = copy();
          const entry = entries[index]! as unknown as Record<string, unknown>;
          if (field === 'seq') entry.seq = (entry.seq as number) + 100;
          else if (field === 'data') entry.data = { ...(entry.data as object), extra: true };
          else if (field === 'type') entry.type = entry.type === 'halt' ? 'run-ended' : 'halt';
          else entry[field] = `${entry[field] as string}x`;
          const verdict = await verifyAuditChain(entries);
          expect(verdict).toMatchObject({ ok: false, firstBadSeq: index + 1 });
        },
      ),
      runs,
    );
  });

  it('names the first bad seq when entries are removed, reordered or inserted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: chainLength - 2 }),
        fc.constantFrom('remove', 'swap', 'insert-copy', 'duplicate'),
        async (index, change) => {
          const entries = copy();
          if (change === 'remove') entries.splice(index, 1);
          if (change === 'swap') [entries[index], entries[index + 1]] = [entries[index + 1]!, entries[index]!];
          if (change === 'insert-copy') entries.splice(index, 0, { ...entries[chainLength - 1]! });
          if (change === 'duplicate') entries.splice(index + 1, 0, { ...entries[index]! });
          const verdict = await verifyAuditChain(entries);
          expect(verdict).toMatchObject({ ok: false, firstBadSeq: change === 'duplicate' ? index + 2 : index + 1 });
        },
      ),
      runs,
    );
  });

  it('detects a removed tail only against a recorded head or a sealed end', async () => {
    const truncated = copy().slice(0, 20);
    expect(await verifyAuditChain(truncated)).toMatchObject({ ok: true, entries: 20 });
    const head = { seq: chainLength, hash: original.at(-1)!.hash };
    expect(await verifyAuditChain(truncated, { expectedHead: head })).toMatchObject({ ok: false, firstBadSeq: 21 });
    expect(await verifyAuditChain(copy().slice(0, 22), { requireSealed: true })).toMatchObject({
      ok: false,
      firstBadSeq: 19,
    });
  });

  it('catches a re-hashed forgery at the next signed checkpoint', async () => {
    const entries = copy();
    entries[6]!.data = { index: 5, result: 'something else' };
    rehashFrom(entries, 6);
    expect(await verifyAuditChain(entries)).toMatchObject({
      ok: false,
      firstBadSeq: 12,
      reason: expect.stringContaining('checkpoint does not seal'),
    });
  });

  it('rejects a checkpoint re-signed with another key when the agent key is pinned', async () => {
    const forger = generateKeyPair();
    const forgedStore = openMemoryAuditStore({ agent: 'agent-1', signingKey: forger.privateKey, checkpointEvery: 5 });
    for (let index = 0; index < 5; index++) {
      await forgedStore.append({ agent: 'agent-1', type: 'tool-call-end', data: { index, result: `output ${index}` } });
    }
    const forged: AuditEntry[] = [];
    for await (const entry of forgedStore.read()) forged.push(entry);
    expect(await verifyAuditChain(forged)).toMatchObject({ ok: true });
    expect(await verifyAuditChain(forged, { trustedKeys: [agentKey.publicKeyText] })).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      reason: expect.stringContaining('untrusted key'),
    });
  });

  it('rejects a checkpoint whose signature bytes were changed', async () => {
    const entries = copy();
    const checkpoint = entries[5]!;
    const signature = Buffer.from(checkpoint.data.signature as string, 'base64url');
    signature[0]! ^= 1;
    checkpoint.data = { ...checkpoint.data, signature: signature.toString('base64url') };
    rehashFrom(entries, 5);
    expect(await verifyAuditChain(entries)).toMatchObject({
      ok: false,
      firstBadSeq: 6,
      reason: expect.stringContaining('signature does not verify'),
    });
  });
});
