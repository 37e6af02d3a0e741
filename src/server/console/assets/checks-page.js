import { AuditFollower, describeAgent } from './agent-state.js';
import { callApi, requireSession, showSession } from './api.js';
import { element } from './event-view.js';
import { signAndSend } from './send-order.js';

requireSession();
showSession();
const list = /** @type {HTMLElement} */ (document.getElementById('checks'));
const status = /** @type {HTMLElement} */ (document.getElementById('checks-status'));
const follower = new AuditFollower();
/** Cards by agent and action hash, kept while the check is pending. @type {Map<string, HTMLElement>} */
const cards = new Map();

/** @param {string} agent @param {string} kind @param {string} action @param {HTMLElement} card */
async function answer(agent, kind, action, card) {
  const note = /** @type {HTMLElement} */ (card.querySelector('.note'));
  const buttons = card.querySelectorAll('button');
  for (const button of buttons) button.disabled = true;
  note.classList.remove('error');
  try {
    const sent = await signAndSend({ agent, kind, body: { action } });
    note.textContent = `${kind === 'approve' ? 'Approval' : 'Denial'} sent (order ${sent.id}).`;
    card.dataset.answered = kind;
  } catch (error) {
    note.textContent = `Not sent: ${/** @type {Error} */ (error).message}`;
    note.classList.add('error');
    for (const button of buttons) button.disabled = false;
  }
}

/** @param {string} agent @param {{ request: any, rule: any }} check */
function cardFor(agent, check) {
  const { request, rule } = check;
  const key = `${agent} ${request.data.action}`;
  const existing = cards.get(key);
  if (existing !== undefined) return existing;
  const card = document.createElement('li');
  card.className = 'card check';
  card.dataset.agent = agent;
  card.dataset.action = request.data.action;
  const facts = document.createElement('dl');
  facts.className = 'facts';
  const rows = [
    ['agent', agent],
    ['tool', request.data.tool],
    ['input', JSON.stringify(request.data.input)],
    ['action hash', request.data.action],
    ['predicted outcome', request.data.prediction],
    ['rule', rule === undefined ? 'not shipped' : `${rule.data.decision}: ${rule.data.reason}`],
    ['expires', request.data.expiresAt],
  ];
  facts.append(...rows.flatMap(([term, detail]) => [element('dt', term), element('dd', detail)]));
  const approve = element('button', 'Approve');
  const deny = element('button', 'Deny', 'danger');
  approve.setAttribute('aria-label', `Approve ${request.data.tool} on ${agent}`);
  deny.setAttribute('aria-label', `Deny ${request.data.tool} on ${agent}`);
  approve.addEventListener('click', () => answer(agent, 'approve', request.data.action, card));
  deny.addEventListener('click', () => answer(agent, 'deny', request.data.action, card));
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(approve, deny);
  const note = element('p', '', 'note');
  note.setAttribute('aria-live', 'polite');
  card.append(element('h3', `${request.data.tool} on ${agent}`), facts, actions, note);
  cards.set(key, card);
  list.append(card);
  return card;
}

async function refresh() {
  const { agents } = await callApi('/agents');
  const now = Date.now();
  const pending = new Set();
  for (const agent of agents) {
    const { events } = await follower.refresh(agent.id);
    for (const check of describeAgent(events, now).checks) {
      cardFor(agent.id, check);
      pending.add(`${agent.id} ${check.request.data.action}`);
    }
  }
  for (const [key, card] of cards) {
    if (pending.has(key)) continue;
    card.remove();
    cards.delete(key);
  }
  status.textContent =
    pending.size === 0 ? 'No check is waiting.' : `${pending.size} check${pending.size === 1 ? '' : 's'} waiting.`;
}

async function loop() {
  try {
    await refresh();
    status.classList.remove('error');
  } catch (error) {
    status.textContent = `Cannot read the checks: ${/** @type {Error} */ (error).message}`;
    status.classList.add('error');
    if (/** @type {any} */ (error).status === 401) location.assign('/console/login');
  }
  setTimeout(loop, 1000);
}
await loop();
