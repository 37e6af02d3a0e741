import { describeRule, orderPermission } from './agent-state.js';
import { callApi, followSessionStream, requireSession, showSession } from './api.js';
import { orderBodyProblems } from './envelope.js';
import { element, renderEvent } from './event-view.js';
import { cosignPending, signAndSend } from './send-order.js';

showSession();
const form = /** @type {HTMLFormElement} */ (document.getElementById('order-form'));
const agentSelect = /** @type {HTMLSelectElement} */ (document.getElementById('order-agent'));
const kindSelect = /** @type {HTMLSelectElement} */ (document.getElementById('order-kind'));
const status = /** @type {HTMLElement} */ (document.getElementById('order-status'));
const rejected = /** @type {HTMLElement} */ (document.getElementById('rejected'));
const pendingList = /** @type {HTMLElement} */ (document.getElementById('pending'));
const pendingStatus = /** @type {HTMLElement} */ (document.getElementById('pending-status'));
const proposeBox = /** @type {HTMLInputElement} */ (document.getElementById('order-propose'));
const principal = (await requireSession()).principal;
const ruleNote = /** @type {HTMLElement} */ (document.getElementById('order-rule'));
/** The agents as last listed, for their roles and rules. @type {Map<string, any>} */
const agentsById = new Map();

/** Says what the charter needs for this order, ticks co-signing when one signature is not enough. */
function showRule() {
  const agent = agentsById.get(agentSelect.value);
  if (agent === undefined) return;
  const permission = orderPermission(agent, kindSelect.value);
  proposeBox.checked = !permission.single;
  ruleNote.textContent = `The charter needs ${describeRule(permission.rule)}; your roles here: ${agent.roles.join(', ')}.${
    permission.allowed ? '' : ' Your signature does not count toward it.'
  }`;
}
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

kindSelect.addEventListener('change', () => {
  showFields();
  showRule();
});
agentSelect.addEventListener('change', showRule);
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  status.classList.remove('error');
  try {
    const orderBody = body();
    const problems = orderBodyProblems(kindSelect.value, orderBody);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const propose = proposeBox.checked;
    const sent = await signAndSend({ agent: agentSelect.value, kind: kindSelect.value, body: orderBody, propose });
    status.textContent = propose
      ? `Proposed ${kindSelect.value} order ${sent.id} to ${sent.target}; it waits for co-signatures.`
      : `Sent ${kindSelect.value} order ${sent.id} to ${sent.target} (sequence ${sent.seq}).`;
    await refresh();
  } catch (error) {
    status.textContent = `Not sent: ${/** @type {Error} */ (error).message}`;
    status.classList.add('error');
  }
});

/** @param {any} pending */
function pendingCard(pending) {
  const card = document.createElement('li');
  card.className = 'card pending-order';
  card.dataset.id = pending.id;
  card.dataset.status = pending.status;
  const facts = document.createElement('dl');
  facts.className = 'facts';
  const rows = [
    ['target', pending.target],
    ['body', JSON.stringify(pending.envelope.body)],
    ['status', pending.seq === undefined ? pending.status : `${pending.status} (sequence ${pending.seq})`],
    ['signed by', pending.signers.join(', ')],
    ['missing', pending.missing.join(', ') || 'nobody'],
    ['needs', `${pending.required.needed} of ${pending.required.eligible.join(', ')}`],
    ['proposed by', `${pending.proposedBy} at ${pending.proposedAt}`],
    ['expires', pending.expiresAt],
  ];
  facts.append(...rows.flatMap(([term, detail]) => [element('dt', term), element('dd', detail)]));
  card.append(element('h3', `${pending.kind} for ${pending.target}`), facts);
  const note = element('p', '', 'note');
  note.setAttribute('aria-live', 'polite');
  if (pending.status === 'pending') {
    const actions = document.createElement('div');
    actions.className = 'actions';
    if (!pending.signers.includes(principal)) {
      const cosign = element('button', 'Co-sign');
      cosign.setAttribute('aria-label', `Co-sign ${pending.kind} for ${pending.target}`);
      cosign.addEventListener('click', async () => {
        cosign.disabled = true;
        note.classList.remove('error');
        try {
          const answer = await cosignPending(pending);
          note.textContent =
            answer.submitted === undefined
              ? 'Co-signed; it still waits for more signatures.'
              : `Co-signed: the quorum is met and the order was submitted (sequence ${answer.submitted.seq}).`;
          await refresh();
        } catch (error) {
          note.textContent = `Not co-signed: ${/** @type {Error} */ (error).message}`;
          note.classList.add('error');
          cosign.disabled = false;
        }
      });
      actions.append(cosign);
    }
    const submit = element('button', 'Submit now', 'secondary');
    submit.setAttribute('aria-label', `Submit ${pending.kind} for ${pending.target} now`);
    submit.addEventListener('click', async () => {
      try {
        const answer = await callApi(`/pending-orders/${encodeURIComponent(pending.id)}/submit`, { method: 'POST' });
        note.textContent = `Submitted (sequence ${answer.seq}); the agent decides whether its signatures suffice.`;
        await refresh();
      } catch (error) {
        note.textContent = `Not submitted: ${/** @type {Error} */ (error).message}`;
        note.classList.add('error');
      }
    });
    actions.append(submit);
    card.append(actions);
  }
  card.append(note);
  return card;
}

async function refreshPending() {
  const { pending } = await callApi('/pending-orders');
  const open = pending.filter((/** @type {any} */ order) => order.status === 'pending').length;
  pendingStatus.textContent =
    pending.length === 0 ? 'No pending order.' : `${open} waiting for signatures, ${pending.length - open} closed.`;
  // A card being answered keeps its place; the others are redrawn from the server's view.
  const focused = document.activeElement?.closest('li.pending-order');
  for (const order of pending) {
    const existing = pendingList.querySelector(`li[data-id="${CSS.escape(order.id)}"]`);
    if (existing === focused && existing?.getAttribute('data-status') === order.status) continue;
    const card = pendingCard(order);
    if (existing === null) pendingList.append(card);
    else existing.replaceWith(card);
  }
}

async function refresh() {
  await refreshPending();
  const { agents } = await callApi('/agents');
  const known = new Set([...agentSelect.options].map((option) => option.value));
  for (const agent of agents) {
    const fresh = !agentsById.has(agent.id);
    agentsById.set(agent.id, agent);
    if (!known.has(agent.id)) agentSelect.append(new Option(agent.id, agent.id));
    if (fresh && agent.id === agentSelect.value) showRule();
  }
}

/** The agents' refusals, as the live audit stream brings them. */
let shownRejections = 0;
followSessionStream({
  path: '/audit/stream',
  onEntry: ({ agent, entry }) => {
    if (entry.type !== 'order-rejected') return;
    const item = renderEvent(entry);
    item.classList.add('card', 'rejected');
    item.dataset.agent = agent;
    item.prepend(element('p', agent, 'agent-name'));
    if (shownRejections === 0) rejected.replaceChildren();
    shownRejections += 1;
    rejected.append(item);
  },
});
rejected.replaceChildren(element('li', 'No order has been rejected.'));

// Pending orders and their signatures are not on the audit stream: they are read again every two seconds.
async function loop() {
  try {
    await refresh();
  } catch (error) {
    if (/** @type {any} */ (error).status === 401) location.assign('/console/login');
  }
  setTimeout(loop, 2000);
}
showFields();
await loop();
