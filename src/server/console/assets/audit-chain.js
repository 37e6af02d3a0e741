// Verification of an exported audit log (`heed audit export --jsonl`) with WebCrypto: each entry's sha256 over its
// canonical form, its link to the one before, and each checkpoint's Ed25519 signature; the first bad entry is named.
// It follows heed's own verifier (src/audit/verify-audit-chain.ts, audit-checkpoint.ts).
import { canonicalJson } from './canonical-json.js';
import { fromBase64Url, toHex, utf8 } from './encoding.js';

const genesisHash = '0'.repeat(64);
const checkpointSignaturePrefix = 'heed-audit-checkpoint-v1\n';
const canonicalKeyText = /^ed25519:[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const readableVersions = [1, 2];

/**
 * @typedef {{ seq: number, at: string, agent: string, type: string, data: Record<string, unknown>, prev: string, hash: string }} ExportedEntry
 * @typedef {{ line: number, entry: ExportedEntry | undefined, text: string }} ExportedLine
 * @typedef {{ ok: true, entries: number, signedCheckpoints: number, unsignedCheckpoints: number, unsealed: number, keys: string[], lines: ExportedLine[] }
 *   | { ok: false, entries: number, firstBadSeq: number, badLine: number, reason: string, lines: ExportedLine[] }} ChainVerification
 */

/** @param {number} seq @param {string} at @param {string} agent @param {string} type @param {string} dataJson @param {string} prev */
async function entryHash(seq, at, agent, type, dataJson, prev) {
  const text = `{"agent":${JSON.stringify(agent)},"at":${JSON.stringify(at)},"data":${dataJson},"prev":${JSON.stringify(prev)},"seq":${seq},"type":${JSON.stringify(type)}}`;
  return toHex(await crypto.subtle.digest('SHA-256', utf8(text)));
}

/** @param {string} line @returns {{ entry: ExportedEntry, version: number, dataJson: string } | { reason: string }} */
function parseLine(line) {
  let value;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { reason: `not JSON (${/** @type {Error} */ (error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { reason: 'not a JSON object' };
  if (!readableVersions.includes(value.schemaVersion)) {
    return { reason: `schemaVersion ${JSON.stringify(value.schemaVersion)} is not one this console reads (1 or 2)` };
  }
  for (const field of ['at', 'agent', 'type', 'prev', 'hash']) {
    if (typeof value[field] !== 'string') return { reason: `field ${field} is not a string` };
  }
  if (typeof value.seq !== 'number') return { reason: 'field seq is not a number' };
  if (typeof value.data !== 'object' || value.data === null || Array.isArray(value.data)) {
    return { reason: 'field data is not an object' };
  }
  const { seq, at, agent, type, data, prev, hash } = value;
  return {
    entry: { seq, at, agent, type, data, prev, hash },
    version: value.schemaVersion,
    dataJson: canonicalJson(data),
  };
}

/** @param {string} agent @param {number} seq @param {string} prev @param {Record<string, unknown>} data */
async function checkCheckpoint(agent, seq, prev, data) {
  if (data.covers !== seq - 1 || data.head !== prev) {
    return { ok: false, reason: `checkpoint does not seal the entry before it (seq ${seq - 1})` };
  }
  if (data.signature === null && data.publicKey === null) return { ok: true, signed: false };
  if (
    typeof data.publicKey !== 'string' ||
    !canonicalKeyText.test(data.publicKey) ||
    typeof data.signature !== 'string'
  ) {
    return { ok: false, reason: 'checkpoint signature or public key is malformed' };
  }
  let valid = false;
  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x: data.publicKey.slice('ed25519:'.length) },
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    const signature = fromBase64Url(data.signature);
    const signed = utf8(checkpointSignaturePrefix + canonicalJson({ agent, covers: data.covers, head: data.head }));
    valid = signature.length === 64 && (await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, signed));
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true, signed: true, publicKey: data.publicKey }
    : { ok: false, reason: `checkpoint signature does not verify under ${data.publicKey}` };
}

/**
 * Verifies an exported log's text; every line is returned (parsed where it parses) so a viewer can show the whole log
 * with the first bad entry marked.
 * @param {string} text
 * @returns {Promise<ChainVerification>}
 */
export async function verifyExportedLog(text) {
  /** @type {ExportedLine[]} */
  const lines = [];
  /** @type {{ firstBadSeq: number, badLine: number, reason: string } | undefined} */
  let failure;
  let expectedSeq = 1;
  let prev = genesisHash;
  let newestVersion = 1;
  let signed = 0;
  let unsigned = 0;
  let lastSignedSeq = 0;
  const keys = new Set();
  const rows = text.split('\n');
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index] ?? '';
    if (row.trim() === '') continue;
    const line = index + 1;
    const parsed = parseLine(row);
    lines.push({ line, entry: 'entry' in parsed ? parsed.entry : undefined, text: row });
    if (failure !== undefined) continue;
    const fail = (/** @type {string} */ reason) => {
      failure = { firstBadSeq: expectedSeq, badLine: line, reason: `line ${line}: ${reason}` };
    };
    if ('reason' in parsed) {
      fail(parsed.reason);
      continue;
    }
    const { entry, version, dataJson } = parsed;
    if (version < newestVersion) {
      fail(`a schemaVersion ${version} entry follows a version ${newestVersion} one`);
      continue;
    }
    newestVersion = version;
    if (entry.seq !== expectedSeq) {
      fail(
        entry.seq > expectedSeq
          ? `entry ${expectedSeq} is missing (the next entry has seq ${entry.seq})`
          : `entry with seq ${entry.seq} is out of place (expected seq ${expectedSeq})`,
      );
      continue;
    }
    if (entry.prev !== prev) {
      fail(`entry ${expectedSeq} does not link to entry ${expectedSeq - 1} (its prev differs)`);
      continue;
    }
    if ((await entryHash(entry.seq, entry.at, entry.agent, entry.type, dataJson, entry.prev)) !== entry.hash) {
      fail(`entry ${expectedSeq} was altered (its hash does not match its content)`);
      continue;
    }
    if (entry.type === 'checkpoint') {
      const check = await checkCheckpoint(entry.agent, entry.seq, entry.prev, entry.data);
      if (!check.ok) {
        fail(`entry ${expectedSeq}: ${check.reason}`);
        continue;
      }
      if (check.signed) {
        signed += 1;
        lastSignedSeq = entry.seq;
        keys.add(check.publicKey);
      } else unsigned += 1;
    }
    prev = entry.hash;
    expectedSeq += 1;
  }
  const entries = expectedSeq - 1;
  if (failure !== undefined) return { ok: false, entries, lines, ...failure };
  return {
    ok: true,
    entries,
    signedCheckpoints: signed,
    unsignedCheckpoints: unsigned,
    unsealed: entries - lastSignedSeq,
    keys: [...keys],
    lines,
  };
}
