import { describeAgent, describeRule, orderPermission } from './agent-state.js';
import { callApi, followSessionStream, requireSession, showSession } from './api.js';
import { element, renderEvent } from './event-view.js';
import { cosignPending, signAndSend } from './send-order.js';

const { principal } = await requireSession();
showSession();
const list = /** @type {HTMLElement} */ (document.getElementById('agents'));
const groupsSlot = /** @type {HTMLElement} */ (document.getElementById('groups'));
const status = /** @type {HTMLElement} */ (document.getElementById('fleet-status'));
/** How long a sent stop may go without a halt before the card says so. */
const haltBoundMs = 10_000;
/** The agents as last listed (roles, rules, connection), by id. @type {Map<string, any>} */
const agentsById = new Map();
/** Every shipped entry the live stream has brought, per agent, in order. @type {Map<string, any[]>} */
const eventsByAgent = new Map();
/** Open and recently closed pending stop orders, by target (an agent id or `group:<name>`). @type {Map<string, any>} */
const pendingStops = new Map();
/** Stops this page sent (or saw its proposal submitted), by target: which order, and since when. */
/** @type {Map<string, { order: string, sentAt: number }>} */
const sentStops = new Map();
/** Agent cards by id, kept across renders so focus and buttons stay put. @type {Map<string, HTMLElement>} */
const cards = new Map();
/** @type {Map<string, { button: HTMLButtonElement, note: HTMLElement }>} */
const groupControls = new Map();
let streamState = 'connecting';

/** @param {number} ms */
function duration(ms) {
  if (ms <= 0) return 'expired';
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * Renders run every second: live regions are written only when their words change, so nothing is announced twice.
 * @param {HTMLElement} node @param {string} text
 */
function say(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** @param {string} group */
const membersOf = (group) => [...agentsById.values()].filter((agent) => agent.groups.includes(group));

/**
 * Signs a stop here. Where the charter's stop rule needs more than one signature (on the agent, or on any member of
 * the group), one signature would be rejected by the agent: the stop is proposed as a pending order to co-sign.
 * @param {string} target @param {HTMLButtonElement} button @param {HTMLElement} note
 */
async function stop(target, button, note) {
  const group = target.startsWith('group:') ? target.slice('group:'.length) : undefined;
  const ruled = group === undefined ? [agentsById.get(target)] : membersOf(group);
  const propose = ruled.some((agent) => agent !== undefined && !orderPermission(agent, 'stop').single);
  button.disabled = true;
  note.classList.remove('error');
  note.textContent = propose ? 'Signing a stop to propose for co-signing…' : 'Signing a stop…';
  try {
    const address = group === undefined ? { agent: target } : { group };
    const sent = await signAndSend({ ...address, kind: 'stop', body: { reason: 'stopped from the console' }, propose });
    if (sent.pending === undefined) sentStops.set(target, { order: sent.id, sentAt: Date.now() });
    else pendingStops.set(target, sent.pending);
    render();
  } catch (error) {
    note.textContent = `Stop not sent: ${/** @type {Error} */ (error).message}`;
    note.classList.add('error');
  } finally {
    button.disabled = false;
  }
}

/** @param {any} pending @param {HTMLButtonElement} button @param {HTMLElement} note */
async function cosign(pending, button, note) {
  button.disabled = true;
  try {
    const answer = await cosignPending(pending);
    if (answer.submitted !== undefined) sentStops.set(pending.target, { order: pending.id, sentAt: Date.now() });
    await refreshListings();
  } catch (error) {
    note.textContent = `Not co-signed: ${/** @type {Error} */ (error).message}`;
    note.classList.add('error');
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
  const state = element('p', '', 'state');
  state.setAttribute('role', 'status');
  const facts = document.createElement('dl');
  facts.className = 'facts';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'stop';
  button.textContent = 'STOP';
  button.setAttribute('aria-label', `Stop ${agent.id}`);
  const note = element('p', '', 'note stop-note');
  note.setAttribute('aria-live', 'polite');
  const cosignButton = element('button', 'Co-sign the stop');
  cosignButton.className = 'cosign';
  cosignButton.setAttribute('aria-label', `Co-sign the stop of ${agent.id}`);
  cosignButton.hidden = true;
  cosignButton.addEventListener('click', () => {
    const pending = pendingStops.get(agent.id);
    if (pending !== undefined) cosign(pending, /** @type {HTMLButtonElement} */ (cosignButton), note);
  });
  button.addEventListener('click', () => stop(agent.id, button, note));
  const events = document.createElement('ol');
  events.className = 'timeline recent';
  events.setAttribute('aria-label', `Latest events of ${agent.id}`);
  card.append(element('h3', agent.id), state, facts, button, cosignButton, note, events);
  cards.set(agent.id, card);
  list.append(card);
  return card;
}

/** @param {HTMLElement} facts @param {Array<[string, string]>} rows */
function fillFacts(facts, rows) {
  facts.replaceChildren(...rows.flatMap(([term, detail]) => [element('dt', term), element('dd', detail)]));
}

/** @param {any} pending */
function describePending(pending) {
  return `Stop proposed by ${pending.proposedBy} (order ${pending.id}), waiting for co-signatures: signed by ${pending.signers.join(', ')}; missing ${pending.missing.join(', ') || 'nobody'}; needs ${pending.required.needed} of ${pending.required.eligible.join(', ')}.`;
}

/**
 * What became of a stop sent to one agent, from its shipped events: accepted or rejected, and the halt after it.
 * @param {any[]} events @param {string} order
 */
function stopOutcome(events, order) {
  const rejected = events.find((entry) => entry.type === 'order-rejected' && entry.data.id === order);
  const accepted = events.find((entry) => entry.type === 'order-accepted' && entry.data.id === order);
  const halt =
    accepted === undefined ? undefined : events.find((entry) => entry.type === 'halt' && entry.seq > accepted.seq);
  return { rejected, accepted, halt };
}

/**
 * The note under an agent's STOP: a proposal's signatures, then the stop's fate. The waiting note lasts only until
 * the halt is seen, or until the bound passes, when the card says plainly that no halt came.
 * @param {any} agent @param {any[]} events @param {any} currentHalt the halt the agent is in, if any @param {number} now
 */
function stopNote(agent, events, currentHalt, now) {
  const pending = pendingStops.get(agent.id);
  if (pending?.status === 'pending') return { text: describePending(pending), state: 'proposed', error: false };
  const sent = sentStops.get(agent.id) ?? groupStopFor(agent);
  if (sent === undefined) return undefined;
  const { rejected, accepted, halt } = stopOutcome(events, sent.order);
  if (rejected !== undefined) {
    return {
      text: `The agent rejected the stop (order ${sent.order}): ${rejected.data.reason}, ${rejected.data.detail}.`,
      state: 'rejected',
      error: true,
    };
  }
  if (halt !== undefined) {
    // Once the agent runs again (resumed), that halt is history: the note goes.
    if (currentHalt?.seq !== halt.seq) return undefined;
    return {
      text: `Halted by stop order ${sent.order}, signed by ${accepted.data.signers.join(', ')}: entry ${accepted.seq} accepted it, entry ${halt.seq} is the halt.`,
      state: 'halted',
      error: false,
    };
  }
  if (now - sent.sentAt > haltBoundMs) {
    const heard =
      accepted === undefined ? 'it has not acknowledged the order' : `it accepted it at entry ${accepted.seq}`;
    return {
      text: `No halt seen ${haltBoundMs / 1000} s after stop order ${sent.order}: ${heard}; connected: ${agent.connected ? 'yes' : 'no'}. An agent that cannot hear the server halts when its lease runs out.`,
      state: 'overdue',
      error: true,
    };
  }
  return { text: `Stop sent (order ${sent.order}); waiting for the agent to halt.`, state: 'sent', error: false };
}

/** A stop sent to one of the agent's groups, as a stop of its own. @param {any} agent */
function groupStopFor(agent) {
  for (const group of agent.groups) {
    const sent = sentStops.get(`group:${group}`);
    if (sent !== undefined) return sent;
  }
  return undefined;
}

/** @param {any} agent @param {number} now */
function renderAgent(agent, now) {
  const card = cardFor(agent);
  const events = eventsByAgent.get(agent.id) ?? [];
  const described = describeAgent(events, now);
  const state = /** @type {HTMLElement} */ (card.querySelector('.state'));
  const halted = described.halt === undefined ? '' : ` (${described.halt.data.reason}: ${described.halt.data.detail})`;
  say(state, `${described.status}${halted}`);
  card.dataset.status = described.status;
  fillFacts(/** @type {HTMLElement} */ (card.querySelector('.facts')), [
    ['target profile', agent.target ?? '—'],
    ['connected', agent.connected ? 'yes' : 'no'],
    ['groups', agent.groups.join(', ') || 'none'],
    ['your roles', agent.roles.join(', ')],
    ['stop needs', describeRule(agent.authority?.stop)],
    ['lease left', described.leaseLeftMs === undefined ? 'no lease' : duration(described.leaseLeftMs)],
    ['pending checks', String(described.checks.length)],
    ['last seen', agent.lastSeen],
  ]);
  const recent = /** @type {HTMLElement} */ (card.querySelector('.recent'));
  recent.replaceChildren(...described.lastEvents.map(renderEvent));
  const button = /** @type {HTMLButtonElement} */ (card.querySelector('button.stop'));
  const cosignButton = /** @type {HTMLButtonElement} */ (card.querySelector('button.cosign'));
  const note = /** @type {HTMLElement} */ (card.querySelector('.stop-note'));
  const permission = orderPermission(agent, 'stop');
  const pending = pendingStops.get(agent.id);
  // A charter that narrows who may stop hides a button whose signature could not count.
  button.hidden = !permission.allowed;
  cosignButton.hidden = !(pending?.status === 'pending' && pending.missing.includes(principal));
  if (!permission.allowed) {
    say(note, `Your roles here cannot stop it: a stop needs ${describeRule(permission.rule)}.`);
    return;
  }
  const shown = stopNote(agent, events, described.halt, now);
  if (note.classList.contains('error') && shown === undefined) return; // keeps a send error in view
  say(note, shown?.text ?? '');
  note.classList.toggle('error', shown?.error ?? false);
  if (shown === undefined) delete card.dataset.stop;
  else card.dataset.stop = shown.state;
}

/** @param {string} group @param {number} now */
function renderGroup(group, now) {
  let controls = groupControls.get(group);
  if (controls === undefined) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'stop';
    button.textContent = `STOP group ${group}`;
    const note = element('span', '', 'note');
    note.setAttribute('aria-live', 'polite');
    button.addEventListener('click', () => stop(`group:${group}`, button, note));
    controls = { button, note };
    groupControls.set(group, controls);
    groupsSlot.append(button, note);
  }
  const pending = pendingStops.get(`group:${group}`);
  const sent = sentStops.get(`group:${group}`);
  if (pending?.status === 'pending') say(controls.note, describePending(pending));
  else if (sent !== undefined) {
    const members = membersOf(group);
    const halted = members.filter(
      (agent) => stopOutcome(eventsByAgent.get(agent.id) ?? [], sent.order).halt !== undefined,
    );
    const overdue = halted.length < members.length && now - sent.sentAt > haltBoundMs;
    const still = members.filter((agent) => !halted.includes(agent)).map((agent) => agent.id);
    say(
      controls.note,
      `Stop order ${sent.order}: ${halted.length} of ${members.length} members halted${
        overdue ? `; no halt ${haltBoundMs / 1000} s on from ${still.join(', ')}` : ''
      }.`,
    );
    controls.note.classList.toggle('error', overdue);
  }
}

function render() {
  const now = Date.now();
  const agents = [...agentsById.values()];
  for (const group of [...new Set(agents.flatMap((agent) => agent.groups))].sort()) renderGroup(group, now);
  for (const agent of agents) renderAgent(agent, now);
  const connection =
    streamState === 'open' ? 'live' : streamState === 'connecting' ? 'connecting…' : `reconnecting (${streamState})`;
  say(status, `${agents.length} agent${agents.length === 1 ? '' : 's'} · ${connection}`);
  status.classList.toggle('error', streamState !== 'open' && streamState !== 'connecting');
}

let renderQueued = false;
/** Many entries arrive together (a shipment, the history on connect): one render for all of them. */
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    render();
  }, 0);
}

/**
 * The listing and the pending orders are not on the audit stream (connection, last seen, new agents before they ship
 * an entry, co-signatures gathered from other browsers), so they are read at start, after every action, when the
 * stream names an agent not listed yet, and slowly besides.
 */
async function refreshListings() {
  const [{ agents }, { pending }] = await Promise.all([callApi('/agents'), callApi('/pending-orders')]);
  for (const agent of agents) agentsById.set(agent.id, agent);
  for (const order of pending) {
    if (order.kind !== 'stop') continue;
    const before = pendingStops.get(order.target);
    if (before !== undefined && before.id !== order.id && order.proposedAt < before.proposedAt) continue;
    pendingStops.set(order.target, order);
    // A proposal this page saw waiting and the server then submitted at its quorum is a stop like any other from here.
    if (order.status === 'submitted' && before?.id === order.id && before.status === 'pending') {
      sentStops.set(order.target, { order: order.id, sentAt: Date.now() });
    }
  }
  render();
}

const slowRefreshMs = 5000;
async function refreshLoop() {
  try {
    await refreshListings();
  } catch (error) {
    status.textContent = `Cannot read the fleet: ${/** @type {Error} */ (error).message}`;
    status.classList.add('error');
    if (/** @type {any} */ (error).status === 401) location.assign('/console/login');
  }
  setTimeout(refreshLoop, slowRefreshMs);
}

followSessionStream({
  path: '/audit/stream',
  onEntry: ({ agent, entry }) => {
    let events = eventsByAgent.get(agent);
    if (events === undefined) {
      events = [];
      eventsByAgent.set(agent, events);
      if (!agentsById.has(agent)) refreshListings().catch(() => {});
    }
    events.push(entry);
    scheduleRender();
  },
  onConnection: (state, detail) => {
    streamState = state === 'open' ? 'open' : detail;
    scheduleRender();
  },
});
// Lease countdowns and the halt bound move with the clock, not with the stream.
setInterval(render, 1000);
await refreshLoop();
