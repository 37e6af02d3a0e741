// The principal's Ed25519 key, held by this browser: imported once from heed's NAME.key.jwk (or generated here) as a
// non-extractable CryptoKey and kept in IndexedDB. Nothing here can read the private key back, and nothing sends it.
import { toBase64Url, utf8 } from './encoding.js';

const databaseName = 'heed-console';
const storeName = 'keys';
const slot = 'principal';
const publicKeyPrefix = 'ed25519:';
const canonicalKeyText = /^ed25519:[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const principalName = /^.{1,64}$/u;

/** @returns {Promise<IDBDatabase>} */
function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** @param {'readonly' | 'readwrite'} mode @param {(store: IDBObjectStore) => IDBRequest} action */
async function withStore(mode, action) {
  const database = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const request = action(database.transaction(storeName, mode).objectStore(storeName));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    database.close();
  }
}

/**
 * @typedef {{ principal: string, publicKeyText: string, privateKey: CryptoKey }} HeldKey
 * @returns {Promise<HeldKey | undefined>}
 */
export async function loadKey() {
  return /** @type {HeldKey | undefined} */ (await withStore('readonly', (store) => store.get(slot)));
}

/** @param {HeldKey} held */
async function saveKey(held) {
  await withStore('readwrite', (store) => store.put(held, slot));
  return held;
}

export async function forgetKey() {
  await withStore('readwrite', (store) => store.delete(slot));
}

/** @param {string} principal */
function checkPrincipal(principal) {
  if (!principalName.test(principal)) throw new Error('the principal name must be 1 to 64 characters');
}

/**
 * Imports a private Ed25519 JWK as heed writes it ({kty: "OKP", crv: "Ed25519", x, d}); throws naming what is wrong.
 * @param {string} principal @param {string} jwkText
 */
export async function importKey(principal, jwkText) {
  checkPrincipal(principal);
  let jwk;
  try {
    jwk = JSON.parse(jwkText);
  } catch (error) {
    throw new Error(`the key file is not JSON: ${/** @type {Error} */ (error).message}`);
  }
  if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new Error('the key file is not a private Ed25519 JWK (needs kty "OKP", crv "Ed25519", x and d)');
  }
  const publicKeyText = `${publicKeyPrefix}${jwk.x}`;
  if (!canonicalKeyText.test(publicKeyText)) throw new Error("the key file's x is not a 32-byte base64url key");
  let privateKey;
  try {
    privateKey = await crypto.subtle.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
      { name: 'Ed25519' },
      false,
      ['sign'],
    );
  } catch (error) {
    const reason = /** @type {Error} */ (error).message;
    throw new Error(
      `the key file holds no valid Ed25519 key pair (x and d must be one key)${reason ? `: ${reason}` : ''}`,
    );
  }
  // A JWK whose d does not belong to its x would sign for another key: prove the pair by a round trip.
  const publicKey = await crypto.subtle.importKey(
    'jwk',
    { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
    { name: 'Ed25519' },
    true,
    ['verify'],
  );
  const probe = utf8('heed-console-key-check');
  const signature = await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, probe);
  if (!(await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature, probe))) {
    throw new Error("the key file's d does not match its x: it is not one key pair");
  }
  return saveKey({ principal, publicKeyText, privateKey });
}

/** Generates a key pair here; only its public half can be exported, for a charter. @param {string} principal */
export async function generateKey(principal) {
  checkPrincipal(principal);
  const pair = /** @type {CryptoKeyPair} */ (
    await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
  );
  const raw = await crypto.subtle.exportKey('raw', pair.publicKey);
  return saveKey({ principal, publicKeyText: `${publicKeyPrefix}${toBase64Url(raw)}`, privateKey: pair.privateKey });
}

/** The base64url Ed25519 signature of UTF-8 text. @param {HeldKey} held @param {string} text */
export async function signText(held, text) {
  return toBase64Url(await crypto.subtle.sign({ name: 'Ed25519' }, held.privateKey, utf8(text)));
}
