import { AuditFollower, describeAgent, describeRule, orderPermission } from './agent-state.js';
import { callApi, requireSession, showSession } from './api.js';
import { element, renderEvent } from './event-view.js';
import { signAndSend } from './send-order.js';

await requireSession();
showSession();
const list = /** @type {HTMLElement} */ (document.getElementById('agents'));
const groupsSlot = /** @type {HTMLElement} */ (document.getElementById('groups'));
const status = /** @type {HTMLElement} */ (document.getElementById('fleet-status'));
const follower = new AuditFollower();
/** Agent cards by id, kept across refreshes so focus and buttons stay put. @type {Map<string, HTMLElement>} */
const cards = new Map();
/** @type {Map<string, HTMLButtonElement>} */
const groupButtons = new Map();

/** @param {number} ms */
function duration(ms) {
  if (ms <= 0) return 'expired';
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/** @param {{ agent?: string, group?: string }} target @param {HTMLButtonElement} button @param {HTMLElement} note */
async function stop(target, button, note) {
  button.disabled = true;
  note.classList.remove('error');
  note.textContent = 'Signing a stop…';
  try {
    const sent = await signAndSend({ ...target, kind: 'stop', body: { reason: 'stopped from the console' } });
    note.textContent = `Stop sent (order ${sent.id}); waiting for the agent to confirm.`;
    await refresh();
  } catch (error) {
    note.textContent = `Stop not sent: ${/** @type {Error} */ (error).message}`;
    note.classList.add('error');
  } finally {
    button.disabled = false;
  }
}

/** @param {any} agent */
function cardFor(agent) {
  let card = cards.get(agent.id);
  if (card !== undefined) return card;
  card = document.createElement('li');
  card.className = 'card agent';
  card.dataset.agent = agent.id;
  const heading = element('h3', agent.id);
  const state = element('p', '', 'state');
  state.setAttribute('role', 'status');
  const facts = document.createElement('dl');
  facts.className = 'facts';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'stop';
  button.textContent = 'STOP';
  button.setAttribute('aria-label', `Stop ${agent.id}`);
  const note = element('p', '', 'note');
  note.setAttribute('aria-live', 'polite');
  button.addEventListener('click', () => stop({ agent: agent.id }, button, note));
  // Stopping is open to every principal by default; a charter that narrows it hides a button that could not count.
  const permission = orderPermission(agent, 'stop');
  if (!permission.allowed) {
    button.hidden = true;
    note.textContent = `Your roles here cannot stop it: a stop needs ${describeRule(permission.rule)}.`;
  }
  const events = document.createElement('ol');
  events.className = 'timeline recent';
  events.setAttribute('aria-label', `Latest events of ${agent.id}`);
  card.append(heading, state, facts, button, note, events);
  cards.set(agent.id, card);
  list.append(card);
  return card;
}

/** @param {HTMLElement} facts @param {Array<[string, string]>} rows */
function fillFacts(facts, rows) {
  facts.replaceChildren(...rows.flatMap(([term, detail]) => [element('dt', term), element('dd', detail)]));
}

/** @param {string[]} groups */
function showGroups(groups) {
  for (const group of groups) {
    if (groupButtons.has(group)) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'stop';
    button.textContent = `STOP group ${group}`;
    const note = element('span', '', 'note');
    note.setAttribute('aria-live', 'polite');
    button.addEventListener('click', () => stop({ group }, button, note));
    groupButtons.set(group, button);
    groupsSlot.append(button, note);
  }
}

async function refresh() {
  const { agents } = await callApi('/agents');
  const now = Date.now();
  showGroups([...new Set(agents.flatMap((/** @type {any} */ agent) => agent.groups))].sort());
  for (const agent of agents) {
    const card = cardFor(agent);
    const { events } = await follower.refresh(agent.id);
    const described = describeAgent(events, now);
    const state = /** @type {HTMLElement} */ (card.querySelector('.state'));
    const halted =
      described.halt === undefined ? '' : ` (${described.halt.data.reason}: ${described.halt.data.detail})`;
    state.textContent = `${described.status}${halted}`;
    card.dataset.status = described.status;
    fillFacts(/** @type {HTMLElement} */ (card.querySelector('.facts')), [
      ['connected', agent.connected ? 'yes' : 'no'],
      ['groups', agent.groups.join(', ') || 'none'],
      ['your roles', agent.roles.join(', ')],
      ['lease left', described.leaseLeftMs === undefined ? 'no lease' : duration(described.leaseLeftMs)],
      ['pending checks', String(described.checks.length)],
      ['last seen', agent.lastSeen],
    ]);
    const recent = /** @type {HTMLElement} */ (card.querySelector('.recent'));
    recent.replaceChildren(...described.lastEvents.map(renderEvent));
  }
  status.textContent = `${agents.length} agent${agents.length === 1 ? '' : 's'} · updated ${new Date(now).toLocaleTimeString()}`;
}

// Polled every second: the shipped audit is the source of truth for what an agent did.
async function loop() {
  try {
    await refresh();
    status.classList.remove('error');
  } catch (error) {
    status.textContent = `Cannot read the fleet: ${/** @type {Error} */ (error).message}`;
    status.classList.add('error');
    if (/** @type {any} */ (error).status === 401) location.assign('/console/login');
  }
  setTimeout(loop, 1000);
}
await loop();
