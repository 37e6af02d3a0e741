import { callApi, session, showSession } from './api.js';
import { verifyExportedLog } from './audit-chain.js';
import { element, renderEvent } from './event-view.js';

showSession();
const agentSelect = /** @type {HTMLSelectElement} */ (document.getElementById('audit-agent'));
const typeSelect = /** @type {HTMLSelectElement} */ (document.getElementById('audit-type'));
const textFilter = /** @type {HTMLInputElement} */ (document.getElementById('audit-text'));
const timeline = /** @type {HTMLElement} */ (document.getElementById('timeline'));
const auditStatus = /** @type {HTMLElement} */ (document.getElementById('audit-status'));
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('export-file'));
const verifyStatus = /** @type {HTMLElement} */ (document.getElementById('verify-status'));
const verified = /** @type {HTMLElement} */ (document.getElementById('verified'));
/** The selected agent's shipped events. @type {any[]} */
let current = [];
const knownTypes = new Set();

function render() {
  const events = current;
  for (const entry of events) {
    if (knownTypes.has(entry.type)) continue;
    knownTypes.add(entry.type);
    typeSelect.append(new Option(entry.type, entry.type));
  }
  const needle = textFilter.value.trim().toLowerCase();
  const shown = events.filter(
    (entry) =>
      (typeSelect.value === '' || entry.type === typeSelect.value) &&
      (needle === '' || JSON.stringify(entry.data).toLowerCase().includes(needle)),
  );
  timeline.replaceChildren(...shown.map(renderEvent));
}

/** @param {any} verification */
function describeVerification(verification) {
  switch (verification.status) {
    case 'verified':
      return `chained, entries ${verification.from} to ${verification.to}`;
    case 'broken':
      return `broken at entry ${verification.seq} (${verification.detail})`;
    case 'gap':
      return `entry ${verification.missing} is missing`;
    default:
      return verification.status;
  }
}

async function refresh() {
  const { agents } = await callApi('/agents');
  const known = new Set([...agentSelect.options].map((option) => option.value));
  for (const agent of agents) if (!known.has(agent.id)) agentSelect.append(new Option(agent.id, agent.id));
  if (agentSelect.value === '') return;
  // The whole shipped log each time, so the server's verification covers all of it, not the latest batch.
  const agent = agentSelect.value;
  const answer = await callApi(`/agents/${encodeURIComponent(agent)}/audit?after=0&limit=10000`);
  // A read for an agent no longer selected (the choice changed meanwhile) is dropped.
  if (agent !== agentSelect.value) return;
  current = answer.events;
  auditStatus.textContent = `${current.length} events shipped · the server's check of them: ${describeVerification(answer.verification)}`;
  render();
}

async function loop() {
  try {
    await refresh();
  } catch (error) {
    auditStatus.textContent = `Cannot read the audit: ${/** @type {Error} */ (error).message}`;
  }
  setTimeout(loop, 2000);
}

for (const control of [agentSelect, typeSelect]) control.addEventListener('change', () => refresh().catch(() => {}));
textFilter.addEventListener('input', render);
document.getElementById('audit-filters')?.addEventListener('submit', (event) => event.preventDefault());

fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  if (file === undefined) return;
  verifyStatus.classList.remove('error', 'ok');
  verifyStatus.textContent = 'Verifying…';
  const result = await verifyExportedLog(await file.text());
  const items = result.lines.map(({ line, entry, text }) => {
    const item = entry === undefined ? element('li', text.slice(0, 200), 'event') : renderEvent(entry);
    item.dataset.line = String(line);
    if (!result.ok && line === result.badLine) {
      item.classList.add('bad');
      item.setAttribute('aria-label', `First bad entry: ${result.reason}`);
      item.prepend(element('p', `✗ First bad entry: ${result.reason}`, 'bad-reason'));
    } else if (!result.ok && line > result.badLine) item.classList.add('unverified');
    else item.classList.add('good');
    return item;
  });
  verified.replaceChildren(...items);
  if (result.ok) {
    verifyStatus.textContent = `✓ Verified ${result.entries} entries in this browser: ${result.signedCheckpoints} signed checkpoints (${result.keys.join(', ') || 'no key'}), ${result.unsealed} entries after the last signed one.`;
    verifyStatus.classList.add('ok');
  } else {
    verifyStatus.textContent = `✗ Not verified: ${result.reason}. ${result.entries} entries verified before it.`;
    verifyStatus.classList.add('error');
  }
});

if (session() === undefined)
  auditStatus.textContent = "Log in to see the agents' timelines; verifying a file needs no login.";
else await loop();
