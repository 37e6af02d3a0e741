// Signed orders made in the browser: the same envelope, signing bytes and body rules as heed's authority
// (src/authority/envelope.ts, sign-envelope.ts, order-bodies.ts). The agent verifies every signature itself.
import { canonicalJson } from './canonical-json.js';

export const envelopeSignaturePrefix = 'heed-envelope-v1\n';
const maxEnvelopeBytes = 64 * 1024;
const maxText = 16_384;
const actionHash = /^[0-9a-f]{64}$/;
const canonicalKeyText = /^ed25519:[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** @param {unknown} value @param {string} field @returns {string[]} */
function textProblems(value, field, optional = false) {
  if (value === undefined && optional) return [];
  if (typeof value !== 'string' || value.length < 1) return [`${field} is required`];
  return value.length > maxText ? [`${field} must be at most ${maxText} characters`] : [];
}

/** @param {unknown} value @param {string} field */
function principalProblems(value, field) {
  return typeof value === 'string' && value.length >= 1 && value.length <= 64
    ? []
    : [`${field} must be 1 to 64 characters`];
}

/** @type {Record<string, { fields: string[], check: (body: Record<string, unknown>) => string[] }>} */
const bodyRules = {
  stop: { fields: ['reason'], check: (body) => textProblems(body.reason, 'reason', true) },
  resume: { fields: [], check: () => [] },
  lease: { fields: [], check: () => [] },
  task: { fields: ['text'], check: (body) => textProblems(body.text, 'text') },
  amend: { fields: ['text'], check: (body) => textProblems(body.text, 'text') },
  approve: {
    fields: ['action', 'note'],
    check: (body) => [
      ...(typeof body.action === 'string' && actionHash.test(body.action)
        ? []
        : ['action must be a 64-digit sha256 hex']),
      ...textProblems(body.note, 'note', true),
    ],
  },
  deny: {
    fields: ['action', 'reason'],
    check: (body) => [
      ...(typeof body.action === 'string' && actionHash.test(body.action)
        ? []
        : ['action must be a 64-digit sha256 hex']),
      ...textProblems(body.reason, 'reason', true),
    ],
  },
  revoke: { fields: ['principal'], check: (body) => principalProblems(body.principal, 'principal') },
  rotate: {
    fields: ['principal', 'key'],
    check: (body) => [
      ...principalProblems(body.principal, 'principal'),
      ...(typeof body.key === 'string' && canonicalKeyText.test(body.key)
        ? []
        : ["key must be 'ed25519:' and the 43-character base64url of a 32-byte key"]),
    ],
  },
  charter: {
    fields: ['charter'],
    check: (body) => {
      const charter = /** @type {Record<string, unknown> | null} */ (body.charter);
      if (typeof charter !== 'object' || charter === null || Array.isArray(charter))
        return ['charter must be a JSON object'];
      return typeof charter.agent === 'string' && charter.agent.length > 0 ? [] : ['charter.agent is required'];
    },
  },
};

/**
 * What is wrong with an order body, field by field; empty when it fits its kind. The agent checks it again in full.
 * @param {string} kind @param {Record<string, unknown>} body
 */
export function orderBodyProblems(kind, body) {
  const rule = bodyRules[kind];
  if (rule === undefined) return [`unknown order kind '${kind}'`];
  const unknown = Object.keys(body).filter((field) => !rule.fields.includes(field));
  return [...unknown.map((field) => `a '${kind}' order has no field ${field}`), ...rule.check(body)];
}

/**
 * @typedef {{ v: 1, id: string, agent: string, kind: string, body: Record<string, unknown>, issuedAt: string, expiresAt: string }} UnsignedEnvelope
 * @typedef {UnsignedEnvelope & { sigs: Array<{ principal: string, alg: 'ed25519', sig: string }> }} Envelope
 * @param {{ agent: string, kind: string, body: Record<string, unknown>, ttlMs?: number, now?: number }} options
 * @returns {UnsignedEnvelope}
 */
export function createEnvelope(options) {
  const problems = orderBodyProblems(options.kind, options.body);
  if (problems.length > 0) throw new Error(`invalid ${options.kind} order: ${problems.join('; ')}`);
  if (typeof options.agent !== 'string' || options.agent.length < 1 || options.agent.length > 64) {
    throw new Error('the order must name an agent (1 to 64 characters)');
  }
  const now = options.now ?? Date.now();
  return {
    v: 1,
    id: crypto.randomUUID(),
    agent: options.agent,
    kind: options.kind,
    body: options.body,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + (options.ttlMs ?? 10 * 60_000)).toISOString(),
  };
}

/** The text every signature covers: the prefix, then the canonical JSON of the envelope without sigs. @param {UnsignedEnvelope} envelope */
export function envelopeSigningText(envelope) {
  const { v, id, agent, kind, body, issuedAt, expiresAt } = envelope;
  return envelopeSignaturePrefix + canonicalJson({ v, id, agent, kind, body, issuedAt, expiresAt });
}

/**
 * Adds the held key's signature (the first, or a co-signature toward a quorum).
 * @param {UnsignedEnvelope | Envelope} envelope
 * @param {{ principal: string }} held
 * @param {(text: string) => Promise<string>} sign
 * @returns {Promise<Envelope>}
 */
export async function addSignature(envelope, held, sign) {
  const existing = 'sigs' in envelope ? envelope.sigs : [];
  if (existing.some((signature) => signature.principal === held.principal)) {
    throw new Error(`${held.principal} has already signed this order`);
  }
  const sig = await sign(envelopeSigningText(envelope));
  const { v, id, agent, kind, body, issuedAt, expiresAt } = envelope;
  const signed = {
    v,
    id,
    agent,
    kind,
    body,
    issuedAt,
    expiresAt,
    sigs: [...existing, { principal: held.principal, alg: /** @type {const} */ ('ed25519'), sig }],
  };
  const size = new TextEncoder().encode(JSON.stringify(signed)).length;
  if (size > maxEnvelopeBytes)
    throw new Error(`the order would be ${size} bytes; orders are limited to ${maxEnvelopeBytes}`);
  return signed;
}
