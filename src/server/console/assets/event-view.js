// Each audit event type rendered with its own fields (the vocabulary of src/audit/events/audit-event-schemas.ts).
// Every value goes in through textContent: the events are the agent's and the model's words, never markup.

/** @param {unknown} value */
function shown(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** @param {unknown} list */
function joined(list) {
  return Array.isArray(list) ? list.join(', ') : shown(list);
}

/** @type {Record<string, (data: Record<string, any>) => Array<[string, unknown]>>} */
const fieldsByType = {
  'run-started': (data) => [
    ['provider', data.provider],
    ['tools', joined(data.tools?.map((/** @type {any} */ tool) => tool.name))],
    ['grace', `${data.graceMs} ms`],
  ],
  'run-ended': (data) => [['answer', data.text]],
  'order-accepted': (data) => [
    ['kind', data.kind],
    ['signed by', joined(data.signers)],
    ['effect', data.effect],
    ['why', data.explanation],
  ],
  'order-rejected': (data) => [
    ['reason', data.reason],
    ['detail', data.detail],
    ['order', data.id],
  ],
  'task-started': (data) => [
    ['order', data.order],
    ['signed by', joined(data.signers)],
  ],
  'task-conflict': (data) => [
    ['order', data.order],
    ['tasks', data.tasks?.length],
  ],
  'model-call-start': (data) => [
    ['call', data.call],
    ['purpose', data.purpose],
    ['provider', data.provider],
  ],
  'model-call-end': (data) => [
    ['call', data.call],
    ['outcome', data.outcome],
    ['text', data.text ?? data.error],
    ['tools asked', joined(data.toolCalls?.map((/** @type {any} */ call) => call.name))],
  ],
  'tool-call-start': (data) => [
    ['tool', data.tool],
    ['impact', data.impact],
    ['action', data.action],
    ['input', data.input],
  ],
  'tool-call-end': (data) => [
    ['tool', data.name],
    ['outcome', data.outcome],
    ['error', data.error],
  ],
  'tool-call-rejected': (data) => [
    ['tool', data.tool],
    ['reason', data.reason],
    ['detail', data.detail],
  ],
  'policy-decision': (data) => [
    ['tool', data.tool],
    ['decision', data.decision],
    ['rule', data.reason],
    ['impact', data.impact],
  ],
  'check-requested': (data) => [
    ['tool', data.tool],
    ['action', data.action],
    ['input', data.input],
    ['prediction', data.prediction],
    ['expires', data.expiresAt],
  ],
  'check-answered': (data) => [
    ['answer', data.answer],
    ['action', data.action],
    ['signed by', joined(data.signers)],
  ],
  'screening-verdict': (data) => [
    ['source', data.source],
    ['verdict', data.verdict],
    ['reasons', joined(data.reasons)],
  ],
  'memory-write': (data) => [
    ['tool', data.tool],
    ['decision', data.decision],
    ['reasons', joined(data.reasons)],
  ],
  'lease-renewed': (data) => [['until', data.expiresAt]],
  'lease-expired': (data) => [['since', data.since]],
  'succession-completed': (data) => [
    ['successor', data.successor],
    ['for', data.for],
  ],
  'succession-lapsed': (data) => [['why', data.explanation]],
  'stop-started': (data) => [
    ['order', data.order],
    ['in flight', joined(data.inFlight?.map((/** @type {any} */ call) => call.name))],
  ],
  halt: (data) => [
    ['reason', data.reason],
    ['detail', data.detail],
    ['aborted', joined(data.aborted)],
    ['model calls', data.modelCalls],
    ['tool calls', data.toolCalls],
  ],
  checkpoint: (data) => [
    ['covers', data.covers],
    ['signed', data.signature === null ? 'no' : 'yes'],
    ['key', data.publicKey],
  ],
};

/**
 * One timeline item for an event; unknown types show their data as JSON.
 * @param {{ seq: number, at: string, type: string, data: Record<string, unknown> }} entry
 */
export function renderEvent(entry) {
  const item = document.createElement('li');
  item.className = `event event-${entry.type.replace(/[^a-z-]/g, '')}`;
  item.dataset.seq = String(entry.seq);
  item.dataset.type = entry.type;
  const heading = document.createElement('div');
  heading.className = 'event-heading';
  const type = document.createElement('strong');
  type.textContent = entry.type;
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = `#${entry.seq} · ${entry.at}`;
  heading.append(type, ' ', meta);
  item.append(heading);
  const fields = fieldsByType[entry.type]?.(entry.data) ?? [['data', entry.data]];
  const list = document.createElement('dl');
  for (const [label, value] of fields) {
    const text = shown(value);
    if (text === '') continue;
    const term = document.createElement('dt');
    term.textContent = label;
    const detail = document.createElement('dd');
    detail.textContent = text.length > 400 ? `${text.slice(0, 400)}…` : text;
    list.append(term, detail);
  }
  if (list.childElementCount > 0) item.append(list);
  return item;
}

/** A small element with text, for the page modules. @param {string} tag @param {string} text @param {string} [className] */
export function element(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}
