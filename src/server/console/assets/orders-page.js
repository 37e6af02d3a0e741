import { AuditFollower } from './agent-state.js';
import { callApi, requireSession, showSession } from './api.js';
import { orderBodyProblems } from './envelope.js';
import { element, renderEvent } from './event-view.js';
import { signAndSend } from './send-order.js';

requireSession();
showSession();
const form = /** @type {HTMLFormElement} */ (document.getElementById('order-form'));
const agentSelect = /** @type {HTMLSelectElement} */ (document.getElementById('order-agent'));
const kindSelect = /** @type {HTMLSelectElement} */ (document.getElementById('order-kind'));
const status = /** @type {HTMLElement} */ (document.getElementById('order-status'));
const rejected = /** @type {HTMLElement} */ (document.getElementById('rejected'));
const follower = new AuditFollower();
/** The fields each kind's form shows, by the ids of their wrappers. */
const fieldsByKind = /** @type {Record<string, string[]>} */ ({
  task: ['text'],
  amend: ['text'],
  resume: [],
  revoke: ['principal'],
  rotate: ['principal', 'key'],
  charter: ['charter'],
});

function showFields() {
  const shown = fieldsByKind[kindSelect.value] ?? [];
  for (const field of ['text', 'principal', 'key', 'charter']) {
    /** @type {HTMLElement} */ (document.getElementById(`field-${field}`)).hidden = !shown.includes(field);
  }
}

/** @param {string} id */
const value = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id)).value.trim();

function body() {
  switch (kindSelect.value) {
    case 'task':
    case 'amend':
      return { text: value('order-text') };
    case 'revoke':
      return { principal: value('order-principal') };
    case 'rotate':
      return { principal: value('order-principal'), key: value('order-key') };
    case 'charter': {
      try {
        return { charter: JSON.parse(value('order-charter')) };
      } catch (error) {
        throw new Error(`the charter is not JSON: ${/** @type {Error} */ (error).message}`);
      }
    }
    default:
      return {};
  }
}

kindSelect.addEventListener('change', showFields);
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  status.classList.remove('error');
  try {
    const orderBody = body();
    const problems = orderBodyProblems(kindSelect.value, orderBody);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const sent = await signAndSend({ agent: agentSelect.value, kind: kindSelect.value, body: orderBody });
    status.textContent = `Sent ${kindSelect.value} order ${sent.id} to ${sent.target} (sequence ${sent.seq}).`;
  } catch (error) {
    status.textContent = `Not sent: ${/** @type {Error} */ (error).message}`;
    status.classList.add('error');
  }
});

async function refresh() {
  const { agents } = await callApi('/agents');
  const known = new Set([...agentSelect.options].map((option) => option.value));
  for (const agent of agents) {
    if (!known.has(agent.id)) agentSelect.append(new Option(agent.id, agent.id));
  }
  const items = [];
  for (const agent of agents) {
    const { events } = await follower.refresh(agent.id);
    for (const entry of events.filter((event) => event.type === 'order-rejected')) {
      const item = renderEvent(entry);
      item.classList.add('card', 'rejected');
      item.dataset.agent = agent.id;
      item.prepend(element('p', agent.id, 'agent-name'));
      items.push(item);
    }
  }
  rejected.replaceChildren(...(items.length === 0 ? [element('li', 'No order has been rejected.')] : items));
}

async function loop() {
  try {
    await refresh();
  } catch (error) {
    if (/** @type {any} */ (error).status === 401) location.assign('/console/login');
  }
  setTimeout(loop, 1000);
}
showFields();
await loop();
