import { describeRule, orderPermission } from './agent-state.js';
import { callApi, followSessionStream, requireSession, showSession } from './api.js';
import { element } from './event-view.js';
import { signAndSend } from './send-order.js';

await requireSession();
showSession();
const list = /** @type {HTMLElement} */ (document.getElementById('checks'));
const status = /** @type {HTMLElement} */ (document.getElementById('checks-status'));
/** Cards by agent and action hash, kept while the check is pending. @type {Map<string, HTMLElement>} */
const cards = new Map();

/** @param {string} agent @param {string} kind @param {string} action @param {HTMLElement} card */
async function answer(agent, kind, action, card) {
  const note = /** @type {HTMLElement} */ (card.querySelector('.note'));
  const propose = /** @type {HTMLInputElement} */ (card.querySelector('input[type="checkbox"]')).checked;
  const buttons = card.querySelectorAll('button');
  for (const button of buttons) button.disabled = true;
  note.classList.remove('error');
  try {
    const sent = await signAndSend({ agent, kind, body: { action }, propose });
    const what = kind === 'approve' ? 'Approval' : 'Denial';
    note.textContent = propose
      ? `${what} proposed (order ${sent.id}); co-sign it on the Orders page.`
      : `${what} sent (order ${sent.id}).`;
    card.dataset.answered = kind;
  } catch (error) {
    note.textContent = `Not sent: ${/** @type {Error} */ (error).message}`;
    note.classList.add('error');
    for (const button of buttons) button.disabled = false;
  }
}

/** @param {any} check @param {any} agent */
function cardFor(check, agent) {
  const key = `${check.agent} ${check.action}`;
  const existing = cards.get(key);
  if (existing !== undefined) return existing;
  const card = document.createElement('li');
  card.className = 'card check';
  card.dataset.agent = check.agent;
  card.dataset.action = check.action;
  const facts = document.createElement('dl');
  facts.className = 'facts';
  const rows = [
    ['agent', check.agent],
    ['tool', check.tool],
    ['input', JSON.stringify(check.input)],
    ['action hash', check.action],
    ['predicted outcome', check.prediction],
    ['reasoning', check.reasoning ?? 'not shipped'],
    ['rule', check.rule ?? 'not shipped'],
    ['requested', check.requestedAt],
    ['expires', check.expiresAt],
  ];
  facts.append(...rows.flatMap(([term, detail]) => [element('dt', term), element('dd', detail)]));
  const approve = element('button', 'Approve');
  const deny = element('button', 'Deny', 'danger');
  approve.setAttribute('aria-label', `Approve ${check.tool} on ${check.agent}`);
  deny.setAttribute('aria-label', `Deny ${check.tool} on ${check.agent}`);
  approve.addEventListener('click', () => answer(check.agent, 'approve', check.action, card));
  deny.addEventListener('click', () => answer(check.agent, 'deny', check.action, card));
  const proposeId = `propose-${check.agent}-${check.action.slice(0, 16)}`;
  const proposeRow = document.createElement('div');
  proposeRow.className = 'check-row';
  const propose = document.createElement('input');
  propose.type = 'checkbox';
  propose.id = proposeId;
  const proposeLabel = element('label', 'Gather co-signatures (the charter needs a quorum)');
  proposeLabel.htmlFor = proposeId;
  proposeRow.append(propose, proposeLabel);
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(approve, deny);
  const note = element('p', '', 'note');
  note.setAttribute('aria-live', 'polite');
  const permission = orderPermission(agent, 'approve');
  propose.checked = !permission.single;
  if (permission.allowed)
    card.append(element('h3', `${check.tool} on ${check.agent}`), facts, proposeRow, actions, note);
  else {
    const roles = agent.roles.join(', ');
    card.append(
      element('h3', `${check.tool} on ${check.agent}`),
      facts,
      element(
        'p',
        `Your roles here (${roles}) cannot answer it: an approval needs ${describeRule(permission.rule)}.`,
        'note',
      ),
    );
  }
  cards.set(key, card);
  list.append(card);
  return card;
}

async function refresh() {
  const [{ checks }, { agents }] = await Promise.all([callApi('/checks'), callApi('/agents')]);
  const agentsById = new Map(agents.map((/** @type {any} */ agent) => [agent.id, agent]));
  const pending = new Set();
  for (const check of checks) {
    const agent = agentsById.get(check.agent);
    if (agent === undefined) continue;
    cardFor(check, agent);
    pending.add(`${check.agent} ${check.action}`);
  }
  for (const [key, card] of cards) {
    if (pending.has(key)) continue;
    card.remove();
    cards.delete(key);
  }
  status.textContent =
    pending.size === 0 ? 'No check is waiting.' : `${pending.size} check${pending.size === 1 ? '' : 's'} waiting.`;
}

let refreshing = false;
let again = false;
/** One read at a time; a change heard meanwhile reads once more after it. */
async function update() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    do {
      again = false;
      await refresh();
      status.classList.remove('error');
    } while (again);
  } catch (error) {
    status.textContent = `Cannot read the checks: ${/** @type {Error} */ (error).message}`;
    status.classList.add('error');
    if (/** @type {any} */ (error).status === 401) location.assign('/console/login');
  } finally {
    refreshing = false;
  }
}

/** The shipped entries that open or close a check: the inbox is read again when one arrives. */
const checkTypes = new Set(['check-requested', 'check-answered', 'halt', 'run-ended', 'run-started']);
let live = false;
followSessionStream({
  path: '/audit/stream',
  onEntry: ({ entry }) => {
    if (live && checkTypes.has(entry.type)) update();
  },
  onLive: () => {
    live = true;
    update();
  },
});
// A check also closes when it expires, which no entry announces; the slow read keeps that honest.
setInterval(update, 10_000);
await update();
