import { callApi, showSession, startSession } from './api.js';
import { forgetKey, generateKey, importKey, loadKey, signText } from './principal-key.js';

const challengePrefix = 'heed-server-challenge-v1\n';
const form = /** @type {HTMLFormElement} */ (document.getElementById('import-form'));
const principalInput = /** @type {HTMLInputElement} */ (document.getElementById('principal'));
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('key-file'));
const keyStatus = /** @type {HTMLElement} */ (document.getElementById('key-status'));
const publicKey = /** @type {HTMLElement} */ (document.getElementById('public-key'));
const loginStatus = /** @type {HTMLElement} */ (document.getElementById('login-status'));

async function showKey() {
  const held = await loadKey();
  if (held === undefined) {
    keyStatus.textContent = 'No key in this browser yet.';
    publicKey.hidden = true;
    return;
  }
  keyStatus.textContent = `This browser holds the key of ${held.principal} (not extractable).`;
  principalInput.value = held.principal;
  publicKey.textContent = `Public key for a charter: ${held.publicKeyText}`;
  publicKey.hidden = false;
}

/** @param {HTMLElement} slot @param {unknown} error */
function showError(slot, error) {
  slot.textContent = `Error: ${/** @type {Error} */ (error).message}`;
  slot.classList.add('error');
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  keyStatus.classList.remove('error');
  try {
    const file = fileInput.files?.[0];
    if (file === undefined) throw new Error('choose the private key file (NAME.key.jwk)');
    await importKey(principalInput.value.trim(), await file.text());
    fileInput.value = '';
    await showKey();
  } catch (error) {
    showError(keyStatus, error);
  }
});
document.getElementById('generate-key')?.addEventListener('click', async () => {
  keyStatus.classList.remove('error');
  try {
    await generateKey(principalInput.value.trim());
    await showKey();
  } catch (error) {
    showError(keyStatus, error);
  }
});
document.getElementById('forget-key')?.addEventListener('click', async () => {
  await forgetKey();
  await showKey();
});
document.getElementById('login')?.addEventListener('click', async () => {
  loginStatus.classList.remove('error');
  try {
    const held = await loadKey();
    if (held === undefined) throw new Error('import or generate a key first');
    const { challenge } = await callApi('/auth/challenge', { method: 'POST', body: { principal: held.principal } });
    const signature = await signText(held, challengePrefix + challenge);
    const { token, expiresAt } = await callApi('/auth/token', {
      method: 'POST',
      body: { principal: held.principal, challenge, signature },
    });
    startSession(held.principal, token);
    loginStatus.textContent = `Logged in as ${held.principal} until ${expiresAt}.`;
    showSession();
    location.assign('/console/fleet');
  } catch (error) {
    showError(loginStatus, error);
  }
});
showSession();
await showKey();
