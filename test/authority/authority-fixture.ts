import type { KeyObject } from 'node:crypto';
import type { Envelope } from '../../src/authority/envelope.ts';
import { cosignEnvelope, createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import type { Charter, CharterInput, OrderKind } from '../../src/charter/charter-schema.ts';
import { parseCharter } from '../../src/charter/load-charter.ts';
import { generateKeyPair, type PrincipalKeyPair } from '../../src/core/ed25519.ts';

export const start = Date.UTC(2026, 0, 1);

/** A roster of principals with real keys: alice and dana owners, bob operator, carol successor, eve a stranger. */
export function makeFixture(overrides: Partial<CharterInput> = {}) {
  const keys: Record<string, PrincipalKeyPair> = {};
  for (const name of ['alice', 'bob', 'carol', 'dana', 'eve']) keys[name] = generateKeyPair();
  const charterInput: CharterInput = {
    agent: 'demo-agent',
    target: 'if-ranked',
    principals: [
      { id: 'alice', key: keys.alice!.publicKeyText, roles: ['owner'] },
      { id: 'bob', key: keys.bob!.publicKeyText, roles: ['operator'] },
      { id: 'carol', key: keys.carol!.publicKeyText, roles: ['successor'] },
      { id: 'dana', key: keys.dana!.publicKeyText, roles: ['owner'] },
    ],
    ...overrides,
  };
  const charter: Charter = parseCharter(charterInput);
  const keyOf = (name: string): KeyObject => keys[name]!.privateKey;
  function order(
    kind: OrderKind,
    body: unknown,
    signers: string[],
    options: { now?: number; ttlMs?: number; agent?: string; id?: string } = {},
  ): Envelope {
    const unsigned = createEnvelope({
      agent: options.agent ?? charter.agent,
      kind,
      body,
      ttlMs: options.ttlMs ?? 600_000,
      now: options.now ?? start,
      ...(options.id === undefined ? {} : { id: options.id }),
    });
    const [first, ...rest] = signers;
    let envelope = signEnvelope(unsigned, { principal: first!, privateKey: keyOf(first!) });
    for (const signer of rest) envelope = cosignEnvelope(envelope, { principal: signer, privateKey: keyOf(signer) });
    return envelope;
  }
  return { keys, charter, charterInput, order };
}
