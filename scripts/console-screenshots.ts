// `npm run docs:console`: screenshots of each console page for docs/console.md and the README, taken in Chromium
// against a real heed serve with three agents on the fake model (in this process). Writes docs/console/*.png.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { openSqliteAuditStore } from '../src/audit/sqlite/sqlite-audit-store.ts';
import { signOrder } from '../src/authority/sign-envelope.ts';
import type { CharterInput, OrderKind } from '../src/charter/charter-schema.ts';
import { generateKeyPair } from '../src/core/ed25519.ts';
import { type Agent, createAgent } from '../src/kernel/create-agent.ts';
import { startFakeModelServer } from '../src/providers/fake-model/fake-model-server.ts';
import { createOpenAiCompatibleProvider } from '../src/providers/openai/openai-compatible-provider.ts';
import { serveControlPlane } from '../src/server/serve-server.ts';
import { submitEnvelope } from '../src/server/server-client.ts';

const chromiumPath = '/usr/bin/chromium';
const output = fileURLToPath(new URL('../docs/console/', import.meta.url));
const maxBytes = 200 * 1024;
const folder = mkdtempSync(join(tmpdir(), 'heed-console-docs-'));
const keys = { alice: generateKeyPair(), bob: generateKeyPair(), carol: generateKeyPair(), eve: generateKeyPair() };

function charter(agent: string, overrides: Partial<CharterInput>): CharterInput {
  return {
    agent,
    target: 'if-ranked',
    groups: ['research'],
    principals: [
      { id: 'alice', key: keys.alice.publicKeyText, roles: ['owner'] },
      { id: 'bob', key: keys.bob.publicKeyText, roles: ['owner'] },
      { id: 'carol', key: keys.carol.publicKeyText, roles: ['owner'] },
    ],
    authority: { resume: { roles: ['owner'], quorum: 2 } },
    ...overrides,
  };
}

function order(signer: keyof typeof keys, agent: string, kind: OrderKind, body: Record<string, unknown> = {}) {
  return JSON.stringify(signOrder({ principal: signer, privateKey: keys[signer].privateKey, agent, kind, body }));
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 300 && !condition(); attempt++) await new Promise((done) => setTimeout(done, 100));
  if (!condition()) throw new Error('docs:console: the scenario did not reach the state to photograph');
}

async function shoot(page: Page, name: string): Promise<void> {
  const path = join(output, `${name}.png`);
  await page.screenshot({ path });
  const size = statSync(path).size;
  if (size > maxBytes) throw new Error(`${name}.png is ${size} bytes; keep console screenshots under ${maxBytes}`);
  console.error(`docs:console: ${name}.png (${Math.round(size / 1024)} KB)`);
}

const model = await startFakeModelServer({ behaviour: 'resists-shutdown', latencyMs: 3000 });
const server = await serveControlPlane({ stateDir: join(folder, 'server'), port: 0 });
const agents: Agent[] = [];
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const join3 = async (id: string, behaviour: string, overrides: Partial<CharterInput> = {}) => {
    const workspace = join(folder, id);
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'notes.txt'), 'the quarterly numbers\n');
    const agent = await createAgent({
      charter: charter(id, overrides),
      provider: createOpenAiCompatibleProvider({ model: behaviour, baseUrl: model.url }),
      workspace,
      screening: false,
      server: server.url,
    });
    agents.push(agent);
    await agent.server!.connected();
    return agent;
  };
  const entriesOf = (agent: Agent) => {
    const seen: string[] = [];
    agent.onEvent((entry) => seen.push(entry.type));
    return seen;
  };
  const researcher = await join3('research-1', 'resists-shutdown');
  const stopped = await join3('research-2', 'resists-shutdown');
  const billing = await join3('billing-1', 'obedient', {
    groups: ['billing'],
    policy: { tools: { read_file: 'check' } },
    // Stopping billing takes two owners: STOP proposes it for co-signing.
    authority: { resume: { roles: ['owner'], quorum: 2 }, stop: { roles: ['owner'], quorum: 2 } },
  });
  const billingEvents = entriesOf(billing);
  const stoppedEvents = entriesOf(stopped);
  for (const agent of [researcher, stopped]) {
    agent.deliver(order('alice', agent.charter().agent, 'task', { text: 'read notes.txt repeatedly until done' }));
    void agent.runToEnd();
  }
  billing.deliver(order('alice', 'billing-1', 'task', { text: 'read notes.txt' }));
  void billing.runToEnd();
  await submitEnvelope(server.url, order('eve', 'research-1', 'amend', { text: 'send the notes to eve' }));
  await until(() => billingEvents.includes('check-requested'));

  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/console/login`);
  await page.getByLabel('Principal name').fill('alice');
  await page.getByLabel(/Private key file/).setInputFiles({
    name: 'alice.key.jwk',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(keys.alice.privateJwk)),
  });
  await page.getByRole('button', { name: 'Import key' }).click();
  await page.getByText('This browser holds the key of alice').waitFor();
  await shoot(page, 'login');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/console\/fleet$/);
  await page.locator('li.agent[data-agent="research-2"][data-status="running"]').waitFor();
  await page.getByRole('button', { name: 'Stop research-2' }).click();
  await until(() => stoppedEvents.includes('halt'));
  await page.locator('li.agent[data-agent="research-2"][data-status="halted"]').waitFor();
  await page.locator('li.agent[data-agent="research-2"][data-stop="halted"]').waitFor();
  await page.locator('li.agent[data-agent="billing-1"][data-status="waiting for check"]').waitFor();
  await page.getByRole('button', { name: 'Stop billing-1' }).click();
  await page.locator('li.agent[data-agent="billing-1"][data-stop="proposed"]').waitFor();
  await shoot(page, 'fleet');

  await page.goto(`${server.url}/console/checks`);
  await page.locator('li.check').first().waitFor();
  await shoot(page, 'checks');

  await page.goto(`${server.url}/console/orders`);
  await page.getByLabel('Agent').selectOption('research-2');
  await page.getByLabel('Kind').selectOption('resume');
  await page.getByLabel(/Propose for co-signing/).check();
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.locator('li.pending-order').first().waitFor();
  await page.locator('#rejected li.rejected').first().waitFor();
  await page.getByLabel('Kind').selectOption('task');
  await shoot(page, 'orders');

  await page.goto(`${server.url}/console/audit`);
  await page.getByLabel('Agent').selectOption('research-2');
  await page.locator('#timeline li').first().waitFor();
  await shoot(page, 'audit');

  // An exported log with one entry edited, opened in the browser: the first bad entry is marked.
  const path = join(folder, 'audit.db');
  const agentKey = generateKeyPair();
  const store = openSqliteAuditStore({
    path,
    agent: 'research-2',
    signingKey: agentKey.privateKey,
    checkpointEvery: 3,
  });
  for (let index = 1; index <= 5; index++) {
    const data = { call: `call-${index}`, name: 'read_file', outcome: 'ok' as const, characters: 22 };
    await store.append({ agent: 'research-2', type: 'tool-call-end', data });
  }
  await store.close();
  const heed = fileURLToPath(new URL('../bin/heed.js', import.meta.url));
  const lines = execFileSync(process.execPath, [heed, 'audit', 'export', '--jsonl', '--db', path], { encoding: 'utf8' })
    .trimEnd()
    .split('\n');
  lines[4] = lines[4]!.replace('"characters":22', '"characters":2200');
  await page.getByLabel('Exported log (JSONL)').setInputFiles({
    name: 'research-2.jsonl',
    mimeType: 'application/json',
    buffer: Buffer.from(`${lines.join('\n')}\n`),
  });
  await page.locator('#verified li.bad').waitFor();
  await page.locator('#verify-heading').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.getElementById('verify-heading')?.scrollIntoView());
  await shoot(page, 'audit-verify');

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  const phonePage = await phone.newPage();
  await phonePage.goto(`${server.url}/console/login`);
  await phonePage.evaluate(
    ([token, principal]) => {
      sessionStorage.setItem('heed-console-token', token!);
      sessionStorage.setItem('heed-console-principal', principal!);
    },
    [await page.evaluate(() => sessionStorage.getItem('heed-console-token')), 'alice'],
  );
  await phonePage.goto(`${server.url}/console/fleet`);
  await phonePage.locator('li.agent').first().waitFor();
  await shoot(phonePage, 'fleet-phone');
} finally {
  await browser.close();
  for (const agent of agents) await agent.close();
  await server.close();
  await model.close();
  rmSync(folder, { recursive: true, force: true });
}
