import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** The console's pages: each is a shell whose module fills it from the API with the principal's token. */
export const consolePages = {
  login: { title: 'Log in', script: 'login-page.js' },
  fleet: { title: 'Fleet', script: 'fleet-page.js' },
  checks: { title: 'Checks', script: 'checks-page.js' },
  orders: { title: 'Orders', script: 'orders-page.js' },
  audit: { title: 'Audit', script: 'audit-page.js' },
} as const;
export type ConsolePage = keyof typeof consolePages;

const navigation: ReadonlyArray<[ConsolePage, string]> = [
  ['fleet', 'Fleet'],
  ['checks', 'Checks'],
  ['orders', 'Orders'],
  ['audit', 'Audit'],
];

const bodies: Record<ConsolePage, HtmlEscapedString | Promise<HtmlEscapedString>> = {
  login: html`<section aria-labelledby="key-heading">
      <h2 id="key-heading">Your key</h2>
      <p>Your private key stays in this browser: it is imported once as a key that cannot be read back, and the
        server only ever sees signatures.</p>
      <p id="key-status" role="status">No key in this browser yet.</p>
      <form id="import-form">
        <label for="principal">Principal name</label>
        <input id="principal" name="principal" autocomplete="username" required maxlength="64">
        <label for="key-file">Private key file (<code>NAME.key.jwk</code> from <code>heed keys new</code>)</label>
        <input id="key-file" name="key-file" type="file" accept=".jwk,.json,application/json">
        <div class="actions">
          <button type="submit" id="import-key">Import key</button>
          <button type="button" id="generate-key">Generate a new key here</button>
          <button type="button" id="forget-key" class="secondary">Forget the key</button>
        </div>
      </form>
      <p id="public-key" class="public-key" hidden></p>
    </section>
    <section aria-labelledby="login-heading">
      <h2 id="login-heading">Log in</h2>
      <p>Logging in signs the server's one-time challenge with your key.</p>
      <button type="button" id="login">Log in</button>
      <p id="login-status" role="status"></p>
    </section>`,
  fleet: html`<section aria-labelledby="agents-heading">
      <h2 id="agents-heading">Agents</h2>
      <p id="fleet-status" role="status">Loading…</p>
      <div id="groups" class="groups"></div>
      <ul id="agents" class="cards"></ul>
    </section>`,
  checks: html`<section aria-labelledby="checks-heading">
      <h2 id="checks-heading">Pending checks</h2>
      <p>An approve or deny names the action's exact hash, signed here by your key. Where the charter needs several
        signatures, propose it for co-signing and the others co-sign it on the Orders page.</p>
      <p id="checks-status" role="status">Loading…</p>
      <ul id="checks" class="cards"></ul>
    </section>`,
  orders: html`<section aria-labelledby="compose-heading">
      <h2 id="compose-heading">Compose an order</h2>
      <form id="order-form" novalidate>
        <label for="order-agent">Agent</label>
        <select id="order-agent" name="agent" required></select>
        <label for="order-kind">Kind</label>
        <select id="order-kind" name="kind">
          <option value="task">task</option>
          <option value="amend">amend</option>
          <option value="resume">resume</option>
          <option value="revoke">revoke</option>
          <option value="rotate">rotate</option>
          <option value="charter">charter</option>
        </select>
        <div id="field-text" class="field">
          <label for="order-text">Text</label>
          <textarea id="order-text" name="text" rows="3" maxlength="16384"></textarea>
        </div>
        <div id="field-principal" class="field" hidden>
          <label for="order-principal">Principal</label>
          <input id="order-principal" name="principal" maxlength="64">
        </div>
        <div id="field-key" class="field" hidden>
          <label for="order-key">New public key (<code>ed25519:…</code>)</label>
          <input id="order-key" name="key" maxlength="60">
        </div>
        <div id="field-charter" class="field" hidden>
          <label for="order-charter">Charter (JSON)</label>
          <textarea id="order-charter" name="charter" rows="6"></textarea>
        </div>
        <p id="order-rule" class="note"></p>
        <div class="check-row">
          <input id="order-propose" name="propose" type="checkbox">
          <label for="order-propose">Propose for co-signing (the charter needs more than one signature)</label>
        </div>
        <button type="submit" id="send-order">Sign and send</button>
        <p id="order-status" role="status"></p>
      </form>
    </section>
    <section aria-labelledby="pending-heading">
      <h2 id="pending-heading">Pending orders to co-sign</h2>
      <p>Orders that wait for more signatures: who has signed, who is missing. The server submits one when its
        quorum is met; the agent verifies every signature itself.</p>
      <p id="pending-status" role="status"></p>
      <ul id="pending" class="cards"></ul>
    </section>
    <section aria-labelledby="rejected-heading">
      <h2 id="rejected-heading">Rejected orders</h2>
      <p>Orders an agent refused, with its reason code, from the audit it ships.</p>
      <ul id="rejected" class="cards"></ul>
    </section>`,
  audit: html`<section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <form id="audit-filters" class="filters">
        <label for="audit-agent">Agent</label>
        <select id="audit-agent" name="agent"></select>
        <label for="audit-type">Event type</label>
        <select id="audit-type" name="type"><option value="">all</option></select>
        <label for="audit-text">Contains</label>
        <input id="audit-text" name="text" type="search">
      </form>
      <p id="audit-status" role="status"></p>
      <ol id="timeline" class="timeline"></ol>
    </section>
    <section aria-labelledby="verify-heading">
      <h2 id="verify-heading">Verify an exported log</h2>
      <p>Open the output of <code>heed audit export --jsonl</code>: every hash and checkpoint signature is checked
        in this browser.</p>
      <label for="export-file">Exported log (JSONL)</label>
      <input id="export-file" type="file" accept=".jsonl,.txt,application/json">
      <p id="verify-status" role="status"></p>
      <ol id="verified" class="timeline"></ol>
    </section>`,
};

export function renderConsolePage(page: ConsolePage) {
  const { title, script } = consolePages[page];
  const links = navigation.map(
    ([target, label]) =>
      html`<li><a href="/console/${target}" ${target === page ? html`aria-current="page"` : ''}>${label}</a></li>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · heed console</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/${script}"></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/console/fleet">heed</a>
  <nav aria-label="Console"><ul>${links}</ul></nav>
  <p id="session" class="session"><a href="/console/login">Log in</a></p>
</header>
<main id="main">
<h1>${title}</h1>
${bodies[page]}
</main>
</body>
</html>`;
}
