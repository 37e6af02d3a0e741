import type { KeyObject } from 'node:crypto';
import type { Envelope } from '../../authority/envelope.ts';
import { cosignEnvelope, createEnvelope, signEnvelope } from '../../authority/sign-envelope.ts';
import type { Charter, OrderKind } from '../../charter/charter-schema.ts';

const orderTtlMilliseconds = 10 * 60_000;

/** A scenario's order as its principals sign it: the first signer signs, the others co-sign. */
export function signScenarioOrder(
  charter: Charter,
  keys: ReadonlyMap<string, KeyObject>,
  order: { from: string | string[]; kind: OrderKind; body: Record<string, unknown>; now: number },
): Envelope {
  const signers = [order.from].flat();
  let envelope = signEnvelope(
    createEnvelope({
      agent: charter.agent,
      kind: order.kind,
      body: order.body,
      ttlMs: orderTtlMilliseconds,
      now: order.now,
    }),
    { principal: signers[0]!, privateKey: keys.get(signers[0]!)! },
  );
  for (const cosigner of signers.slice(1))
    envelope = cosignEnvelope(envelope, { principal: cosigner, privateKey: keys.get(cosigner)! });
  return envelope;
}

/** The body a timeline order carries: its body, or its text. */
export function timelineOrderBody(order: {
  body?: Record<string, unknown> | undefined;
  text?: string | undefined;
}): Record<string, unknown> {
  return order.body ?? (order.text !== undefined ? { text: order.text } : {});
}
