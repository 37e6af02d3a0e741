// The console's client modules run in Node here, importing the very files the browser loads: their canonical JSON,
// signing text and audit verification must agree with heed's own, property by property.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditExport } from '../../src/audit/export/verify-audit-export.ts';
import { openSqliteAuditStore } from '../../src/audit/sqlite/sqlite-audit-store.ts';
import { envelopeSigningBytes } from '../../src/authority/sign-envelope.ts';
import type { OrderKind } from '../../src/charter/charter-schema.ts';
import { canonicalJson as heedCanonicalJson } from '../../src/core/canonical-json.ts';
import { generateKeyPair, parsePublicKey, verifyBytes } from '../../src/core/ed25519.ts';
import { runHeed } from '../helpers/run-heed.ts';
import { loadClientModule } from './load-client-module.ts';

interface CanonicalModule {
  canonicalJson(value: unknown): string;
}
interface EnvelopeModule {
  createEnvelope(options: { agent: string; kind: string; body: Record<string, unknown>; now?: number }): {
    v: 1;
    id: string;
    agent: string;
    kind: OrderKind;
    body: Record<string, unknown>;
    issuedAt: string;
    expiresAt: string;
  };
  envelopeSigningText(envelope: object): string;
  orderBodyProblems(kind: string, body: Record<string, unknown>): string[];
  addSignature(
    envelope: object,
    held: { principal: string },
    sign: (text: string) => Promise<string>,
  ): Promise<{ sigs: Array<{ principal: string; alg: string; sig: string }> }>;
}
interface ChainModule {
  verifyExportedLog(
    text: string,
  ): Promise<
    | { ok: true; entries: number; signedCheckpoints: number; keys: string[] }
    | { ok: false; entries: number; firstBadSeq: number; badLine: number; reason: string }
  >;
}

let canonical: CanonicalModule;
let envelopes: EnvelopeModule;
let chain: ChainModule;
const folder = mkdtempSync(join(tmpdir(), 'heed-console-modules-'));
const agentKey = generateKeyPair();
let exported: string[];

beforeAll(async () => {
  canonical = await loadClientModule<CanonicalModule>('canonical-json.js');
  envelopes = await loadClientModule<EnvelopeModule>('envelope.js');
  chain = await loadClientModule<ChainModule>('audit-chain.js');
  // A real log, written by heed's SQLite store with signed checkpoints, exported by `heed audit export`.
  const path = join(folder, 'audit.db');
  const store = openSqliteAuditStore({ path, agent: 'agent-1', signingKey: agentKey.privateKey, checkpointEvery: 5 });
  for (let index = 1; index <= 14; index++) {
    await store.append({
      agent: 'agent-1',
      type: 'tool-call-end',
      data: { call: `call-${index}`, name: 'read_file', outcome: 'ok', characters: index },
    });
  }
  await store.close();
  const run = await runHeed(['audit', 'export', '--jsonl', '--db', path]);
  expect(run.code).toBe(0);
  exported = run.stdout.trimEnd().split('\n');
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("the console's canonical JSON", () => {
  it('equals heed’s RFC 8785 form for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonical.canonicalJson(value)).toBe(heedCanonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals it for objects with any keys, including ones that sort differently by code point and code unit', () => {
    const key = fc.string({ unit: 'grapheme', maxLength: 6 });
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string())),
        (value) => {
          expect(canonical.canonicalJson(value)).toBe(heedCanonicalJson(value));
        },
      ),
    );
    expect(canonical.canonicalJson({ '\u{1F600}': 1, '\uFFFF': 2 })).toBe(
      heedCanonicalJson({ '\u{1F600}': 1, '\uFFFF': 2 }),
    );
  });

  it('refuses what has no canonical form', () => {
    expect(() => canonical.canonicalJson(Number.NaN)).toThrow(/JSON form/);
    expect(() => canonical.canonicalJson({ a: '\uD800' })).toThrow(/lone surrogate/);
    expect(() => canonical.canonicalJson(undefined)).toThrow(/no canonical JSON form/);
  });
});

describe("the console's envelopes", () => {
  it('sign exactly the bytes heed signs, and a WebCrypto signature from heed’s JWK verifies in heed', async () => {
    const principal = generateKeyPair();
    const privateKey = await crypto.subtle.importKey('jwk', principal.privateJwk, { name: 'Ed25519' }, false, ['sign']);
    const sign = async (text: string) =>
      Buffer.from(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, new TextEncoder().encode(text))).toString(
        'base64url',
      );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 4e12 }),
        async (text, now) => {
          const unsigned = envelopes.createEnvelope({ agent: 'agent-1', kind: 'task', body: { text }, now });
          expect(envelopes.envelopeSigningText(unsigned)).toBe(envelopeSigningBytes(unsigned).toString('utf8'));
          const signed = await envelopes.addSignature(unsigned, { principal: 'alice' }, sign);
          expect(signed.sigs.map((signature) => signature.principal)).toEqual(['alice']);
          const signature = Buffer.from(signed.sigs[0]!.sig, 'base64url');
          expect(verifyBytes(parsePublicKey(principal.publicKeyText), envelopeSigningBytes(unsigned), signature)).toBe(
            true,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('validates bodies as the order schemas do, naming the field', () => {
    expect(envelopes.orderBodyProblems('task', {})).toEqual(['text is required']);
    expect(envelopes.orderBodyProblems('approve', { action: 'abc' })).toEqual(['action must be a 64-digit sha256 hex']);
    expect(envelopes.orderBodyProblems('rotate', { principal: 'bob', key: 'ed25519:short' })).toEqual([
      "key must be 'ed25519:' and the 43-character base64url of a 32-byte key",
    ]);
    expect(envelopes.orderBodyProblems('resume', { extra: 1 })).toEqual(["a 'resume' order has no field extra"]);
    expect(envelopes.orderBodyProblems('explode', {})).toEqual(["unknown order kind 'explode'"]);
    expect(() => envelopes.createEnvelope({ agent: 'agent-1', kind: 'task', body: { text: '' } })).toThrow(
      /invalid task order: text is required/,
    );
  });
});

describe("the console's audit verification", () => {
  it('verifies a good export as heed does, signed checkpoints included', async () => {
    const heed = await verifyAuditExport(exported);
    const browser = await chain.verifyExportedLog(exported.join('\n'));
    expect(heed.ok).toBe(true);
    expect(browser).toMatchObject({ ok: true, entries: heed.ok ? heed.entries : -1, keys: [agentKey.publicKeyText] });
    expect(browser.ok && browser.signedCheckpoints).toBe(3);
  });

  it('finds the same first bad entry as heed for any edited, dropped, swapped or re-signed line', async () => {
    const lines = exported;
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('edit' as const), at: fc.nat(lines.length - 1), value: fc.integer() }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat(lines.length - 1) }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(lines.length - 2) }),
      fc.record({ kind: fc.constant('garble' as const), at: fc.nat(lines.length - 1) }),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (change) => {
        const edited = [...lines];
        const entry = JSON.parse(edited[change.at]!);
        if (change.kind === 'edit') {
          if (entry.type === 'checkpoint') {
            // Always a change: the next-to-last character is replaced by another (the key, and so the signature, is
            // new each run; a fixed replacement would be no change when the signature happens to end with it).
            const signature: string = entry.data.signature;
            entry.data.signature = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
          } else entry.data.characters = change.value === entry.data.characters ? change.value + 1 : change.value;
          edited[change.at] = JSON.stringify(entry);
        } else if (change.kind === 'drop') edited.splice(change.at, 1);
        else if (change.kind === 'swap')
          [edited[change.at], edited[change.at + 1]] = [edited[change.at + 1]!, edited[change.at]!];
        else edited[change.at] = edited[change.at]!.slice(0, 40);
        const heed = await verifyAuditExport(edited);
        const browser = await chain.verifyExportedLog(edited.join('\n'));
        // Cutting the tail is the one change a chain alone cannot show (anchors do): both verifiers accept it.
        const cutTail = change.kind === 'drop' && change.at === lines.length - 1;
        expect(heed.ok).toBe(cutTail);
        expect(browser.ok).toBe(cutTail);
        if (!heed.ok && !browser.ok) expect(browser.firstBadSeq).toBe(heed.firstBadSeq);
      }),
      { numRuns: 60 },
    );
  });

  it('reads heed’s published version 1 fixture and names a line that is not an entry', async () => {
    const { readFileSync } = await import('node:fs');
    const fixture = readFileSync(new URL('../fixtures/audit/v1-run.jsonl', import.meta.url), 'utf8');
    expect(await chain.verifyExportedLog(fixture)).toMatchObject({ ok: true, entries: 29, signedCheckpoints: 1 });
    expect(await chain.verifyExportedLog(`${fixture}{"schemaVersion":9}\n`)).toMatchObject({
      ok: false,
      firstBadSeq: 30,
      reason: 'line 30: schemaVersion 9 is not one this console reads (1 or 2)',
    });
  });
});
