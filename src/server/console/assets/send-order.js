// Signs orders with the browser-held key and submits them: the envelope is its own authorisation, checked by the
// agent, so the server only routes it. An order that needs several signatures is proposed as a pending order, and
// the other principals co-sign it here too.
import { callApi } from './api.js';
import { addSignature, createEnvelope } from './envelope.js';
import { loadKey, signText } from './principal-key.js';

export async function heldKey() {
  const held = await loadKey();
  if (held === undefined) throw new Error('no key in this browser: import or generate one on the login page');
  return held;
}

/**
 * @param {{ agent?: string, group?: string, kind: string, body: Record<string, unknown>, propose?: boolean }} order
 */
export async function signAndSend(order) {
  const held = await heldKey();
  const address = order.group === undefined ? order.agent : `group:${order.group}`;
  if (address === undefined || address === '') throw new Error('an order needs an agent or a group');
  const envelope = await addSignature(
    createEnvelope({ agent: address, kind: order.kind, body: order.body }),
    held,
    (text) => signText(held, text),
  );
  if (order.propose === true) {
    const { pending } = await callApi('/pending-orders', { method: 'POST', body: JSON.stringify(envelope) });
    return { id: pending.id, target: pending.target, pending };
  }
  const path =
    order.group === undefined
      ? `/agents/${encodeURIComponent(address)}/orders`
      : `/groups/${encodeURIComponent(order.group)}/orders`;
  return callApi(path, { method: 'POST', body: JSON.stringify(envelope) });
}

/**
 * Adds this browser's signature to a pending order (over the same unsigned envelope); the server submits it once the
 * charter's quorum is met. @param {{ id: string, envelope: any }} pending
 */
export async function cosignPending(pending) {
  const held = await heldKey();
  const signed = await addSignature(pending.envelope, held, (text) => signText(held, text));
  const signature = signed.sigs.at(-1);
  return callApi(`/pending-orders/${encodeURIComponent(pending.id)}/signatures`, {
    method: 'POST',
    body: JSON.stringify(signature),
  });
}
