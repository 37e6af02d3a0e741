// Signs an order with the browser-held key and submits it: the envelope is its own authorisation, checked by the
// agent, so the server only routes it.
import { callApi } from './api.js';
import { addSignature, createEnvelope } from './envelope.js';
import { loadKey, signText } from './principal-key.js';

export async function heldKey() {
  const held = await loadKey();
  if (held === undefined) throw new Error('no key in this browser: import or generate one on the login page');
  return held;
}

/**
 * @param {{ agent?: string, group?: string, kind: string, body: Record<string, unknown> }} order
 */
export async function signAndSend(order) {
  const held = await heldKey();
  const address = order.group === undefined ? order.agent : `group:${order.group}`;
  if (address === undefined) throw new Error('an order needs an agent or a group');
  const envelope = await addSignature(
    createEnvelope({ agent: address, kind: order.kind, body: order.body }),
    held,
    (text) => signText(held, text),
  );
  const path =
    order.group === undefined
      ? `/agents/${encodeURIComponent(address)}/orders`
      : `/groups/${encodeURIComponent(order.group)}/orders`;
  return callApi(path, { method: 'POST', body: JSON.stringify(envelope) });
}
