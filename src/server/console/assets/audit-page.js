import { callApi, followSessionStream, session, showSession } from './api.js';
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

/** @type {any} */
let shownVerification;
function showStatus() {
  // The stream reports a chain again only when its status changes: while it stays verified, it covers each new entry.
  const checked =
    shownVerification === undefined
      ? 'not reported yet'
      : describeVerification(
          shownVerification.status === 'verified' && current.length > 0
            ? { ...shownVerification, to: Math.max(shownVerification.to, current.at(-1).seq) }
            : shownVerification,
        );
  auditStatus.textContent = `${current.length} events shipped · the server's check of them: ${checked}`;
}

/** @type {{ stop: () => void } | undefined} */
let stream;
let renderQueued = false;
/** The selected agent's live stream: its whole shipped log first, then each entry as it arrives. */
function follow() {
  stream?.stop();
  current = [];
  shownVerification = undefined;
  render();
  const agent = agentSelect.value;
  if (agent === '') return;
  stream = followSessionStream({
    path: `/agents/${encodeURIComponent(agent)}/audit/stream`,
    onEntry: ({ entry }) => {
      current.push(entry);
      if (renderQueued) return;
      renderQueued = true;
      setTimeout(() => {
        renderQueued = false;
        showStatus();
        render();
      }, 0);
    },
    onVerification: ({ verification }) => {
      shownVerification = verification;
      showStatus();
    },
    onConnection: (state, detail) => {
      if (state !== 'open') auditStatus.textContent = `The live stream of ${agent} is ${state}: ${detail}`;
    },
  });
}

/** The agents to choose from: not on the audit stream until they ship, so listed at start and slowly after. */
async function listAgents() {
  const { agents } = await callApi('/agents');
  const known = new Set([...agentSelect.options].map((option) => option.value));
  for (const agent of agents) if (!known.has(agent.id)) agentSelect.append(new Option(agent.id, agent.id));
  if (stream === undefined && agentSelect.value !== '') follow();
}

async function listLoop() {
  try {
    await listAgents();
  } catch (error) {
    auditStatus.textContent = `Cannot list the agents: ${/** @type {Error} */ (error).message}`;
  }
  setTimeout(listLoop, 10_000);
}

agentSelect.addEventListener('change', follow);
typeSelect.addEventListener('change', render);
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
else await listLoop();
