import { verify } from 'node:crypto';
import { rosterIndex } from '../src/authority/roster-index.ts';
import { createEnvelope, envelopeSigningBytes, signEnvelope } from '../src/authority/sign-envelope.ts';
import { verifyEnvelope } from '../src/authority/verify-envelope.ts';
import { parseCharter } from '../src/charter/load-charter.ts';
import { generateKeyPair } from '../src/core/ed25519.ts';
import { opsPerSecond } from './measure.ts';
import type { BenchFigure } from './run.ts';

/** Verified envelopes per second against bare node:crypto Ed25519 verification of the same bytes with the same key. */
export default async function authorityBench(report: (figure: BenchFigure) => void): Promise<void> {
  const owner = generateKeyPair();
  const operator = generateKeyPair();
  const charter = parseCharter({
    agent: 'bench-agent',
    target: 'if-ranked',
    principals: [
      { id: 'alice', key: owner.publicKeyText, roles: ['owner'] },
      { id: 'bob', key: operator.publicKeyText, roles: ['operator'] },
    ],
  });
  const now = Date.UTC(2026, 0, 1);
  const unsigned = createEnvelope({
    agent: 'bench-agent',
    kind: 'task',
    body: { text: 'summarize the quarterly report and draft a reply to the auditors' },
    ttlMs: 600_000,
    now,
  });
  const envelope = signEnvelope(unsigned, { principal: 'bob', privateKey: operator.privateKey });
  const context = { charter, now: now + 1000, isSeen: (_id: string) => false };
  const bytes = envelopeSigningBytes(unsigned);
  const signature = Buffer.from(envelope.sigs[0]!.sig, 'base64url');
  const key = rosterIndex(charter).principals.get('bob')!.key;

  const authorityVerify = () => {
    if (!verifyEnvelope(envelope, context).accepted) throw new Error('the bench envelope must verify');
  };
  const cryptoVerify = () => {
    if (!verify(null, bytes, key, signature)) throw new Error('the bench signature must verify');
  };
  // Interleaved rounds, best of each, so a busy machine slows both sides alike.
  let authorityBest = 0;
  let cryptoBest = 0;
  authorityVerify();
  cryptoVerify();
  for (let round = 0; round < 25; round++) {
    authorityBest = Math.max(authorityBest, opsPerSecond(authorityVerify, 0.1));
    cryptoBest = Math.max(cryptoBest, opsPerSecond(cryptoVerify, 0.1));
  }
  report({ name: 'authority.verify', value: Math.round(authorityBest), unit: 'envelopes/s', target: 20_000 });
  report({ name: 'crypto.verify', value: Math.round(cryptoBest), unit: 'verifications/s' });
  report({
    name: 'authority.verify_ratio',
    value: Number((cryptoBest / authorityBest).toFixed(3)),
    unit: 'crypto/authority',
    target: 1.5,
  });
}
