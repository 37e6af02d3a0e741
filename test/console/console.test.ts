// The web console in Chromium against a real heed serve with agents on the fake model (a `heed run --server`
// process, and agents joined over HTTP in this process): keys imported into the browser, STOP, approving and
// denying checks, co-signing, orders the server altered shown as rejected, and an exported audit log verified in
// the browser with a tampered entry marked.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import { openSqliteAuditStore } from '../../src/audit/sqlite/sqlite-audit-store.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { type FakeModelServer, startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer, loginToServer, submitEnvelope } from '../../src/server/server-client.ts';
import type { OrderRecord, ServerStore } from '../../src/server/store/server-store.ts';
import { openSqliteServerStore } from '../../src/server/store/sqlite-server-store.ts';
import { runHeed } from '../helpers/run-heed.ts';
import { exited, startHeedRun } from '../helpers/start-heed-run.ts';
import {
  closeAgents,
  type FleetAgent,
  fleetCharter,
  joinAgent,
  principals,
  registerSignedAgent,
  signedBy,
} from '../server/fleet-fixture.ts';
import { browserSuiteSkipped, importKeyAndLogIn, launchBrowser, openPage } from './console-browser.ts';

const skipped = browserSuiteSkipped();
let browser: Browser;
let model: FakeModelServer;
let slowModel: FakeModelServer;
let server: ControlPlaneServer;
let folder: string;
/** A charter's roster entry naming one of the test principals an owner. */
const owner = (name: 'alice' | 'bob' | 'carol') => ({
  id: name,
  key: principals[name].publicKeyText,
  roles: ['owner'],
});
const agents: FleetAgent[] = [];
const contexts: BrowserContext[] = [];
const processes: ChildProcess[] = [];

async function joinFleet(id: string, options: Partial<Parameters<typeof joinAgent>[0]> = {}) {
  const member = await joinAgent({ id, server: server.url, modelUrl: model.url, ...options });
  agents.push(member);
  await member.agent.server!.connected();
  return member;
}

async function newContext() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context;
}

describe.skipIf(skipped)('the web console in a browser', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    model = await startFakeModelServer({ behaviour: 'resists-shutdown', latencyMs: 100 });
    slowModel = await startFakeModelServer({ behaviour: 'resists-shutdown', latencyMs: 1500 });
    folder = mkdtempSync(join(tmpdir(), 'heed-console-'));
    server = await serveControlPlane({ stateDir: folder, port: 0 });
  });
  afterAll(async () => {
    for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
    for (const context of contexts) await context.close();
    await browser?.close();
    await closeAgents(agents);
    await server?.close();
    await model?.close();
    await slowModel?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('serves pages with a strict CSP and no cookie, and / leads to the console', async () => {
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/fleet');
    const page = await fetch(`${server.url}/console/login`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(await page.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = await fetch(`${server.url}/console/assets/envelope.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${server.url}/console/assets/..%2Fserver-app.ts`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/nowhere`)).status).toBe(404);
  });

  it('imports a key, logs in, and STOP halts a resisting agent; the halt and its events show', async () => {
    // A real `heed run --server` process; its model answers slowly, so the run is still going when the principal
    // has logged in and pressed STOP.
    const home = mkdtempSync(join(folder, 'agent-1-'));
    // The workspace lies outside the charter's folder: tools may not reach the agent's control-plane files.
    const workspace = mkdtempSync(join(folder, 'workspace-'));
    writeFileSync(join(workspace, 'notes.txt'), 'the quarterly numbers\n');
    writeFileSync(join(home, 'alice.key.jwk'), JSON.stringify(principals.alice.privateJwk), { mode: 0o600 });
    writeFileSync(join(home, 'agent-1.json'), JSON.stringify({ ...fleetCharter('agent-1'), stop: { grace: '500ms' } }));
    const agentProcess = startHeedRun(
      [
        '--charter',
        'agent-1.json',
        '--state',
        '.heed',
        '--task',
        'read notes.txt repeatedly until done',
        '--key',
        'alice.key.jwk',
        '--model',
        'openai:resists-shutdown',
        '--workspace',
        workspace,
        '--server',
        server.url,
      ],
      { cwd: home, env: { HEED_BASE_URL: slowModel.url, HEED_API_KEY: 'any' } },
    );
    processes.push(agentProcess.child);
    await joinFleet('agent-2');
    const { page, problems } = await openPage(await newContext());
    // What the fleet page asks the server: the live stream, never a poll of an agent's audit.
    const asked: string[] = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    await importKeyAndLogIn(page, server.url, 'alice', principals.alice);
    const card = page.locator('li.agent[data-agent="agent-1"]');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 30_000 }).toBe('running');
    expect(await card.locator('.facts').textContent()).toContain('target profileif-ranked');
    await card.getByRole('button', { name: 'Stop agent-1' }).click();
    expect(await exited(agentProcess.child)).toBe(1);
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 15_000 }).toBe('halted');
    await expect
      .poll(() => card.locator('.state').textContent())
      .toMatch(/^halted \(stop: stop order .* signed by alice\)/);
    await expect.poll(() => card.locator('.recent [data-type="halt"]').count()).toBe(1);
    // Beside the halt, the note names the stop that caused it and its events; the waiting note is gone.
    expect(await card.getAttribute('data-stop')).toBe('halted');
    const stopNote = await card.locator('.stop-note').textContent();
    expect(stopNote).toMatch(
      /^Halted by stop order \S+, signed by alice: entry \d+ accepted it, entry \d+ is the halt/,
    );
    expect(stopNote).not.toMatch(/waiting/i);
    expect(asked.filter((path) => path === '/audit/stream').length).toBeGreaterThanOrEqual(1);
    expect(asked.filter((path) => /^\/agents\/[^/]+\/audit$/.test(path))).toEqual([]);
    expect(await page.locator('#fleet-status').textContent()).toMatch(/· live$/);
    const alice = await loginToServer(server.url, 'alice', principals.alice.privateKey);
    const shipped = await callServer<{ events: AuditEntry[] }>(server.url, '/agents/agent-1/audit', { token: alice });
    expect(
      shipped.events.find((entry) => entry.type === 'order-accepted' && entry.data.kind === 'stop')?.data,
    ).toMatchObject({
      signers: ['alice'],
    });
    expect(shipped.events.find((entry) => entry.type === 'halt')?.data).toMatchObject({ reason: 'stop' });
    expect(await page.locator('li.agent[data-agent="agent-2"]').getAttribute('data-status')).not.toBe('halted');

    // The audit viewer: the agent's timeline, each event typed, filtered to the stop and the halt.
    await page.goto(`${server.url}/console/audit`);
    await page.getByLabel('Agent').selectOption('agent-1');
    await expect.poll(() => page.locator('#timeline li[data-type="halt"]').count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel('Event type').selectOption('order-accepted');
    await expect.poll(() => page.locator('#timeline li').count()).toBe(2);
    await page.getByLabel('Contains').fill('"stop"');
    await expect.poll(() => page.locator('#timeline li').count()).toBe(1);
    expect(await page.locator('#timeline li').textContent()).toMatch(/kindstop.*signed byalice/);
    await expect.poll(() => page.locator('#audit-status').textContent()).toMatch(/server's check of them: chained/);
    expect(problems).toEqual([]);
  });

  it('says plainly when no halt follows a stop within the bound; an agent without a target profile shows —', async () => {
    // Registered by an agent from before registrations carried a target profile, and never connected after.
    await registerSignedAgent(server.url, {
      agent: 'agent-0',
      charterHash: 'b'.repeat(64),
      groups: [],
      principals: [{ id: 'alice', key: principals.alice.publicKeyText, roles: ['owner'] }],
      runId: 'run-0',
    });
    const { page, problems } = await openPage(await newContext());
    // The page's clock is moved past the bound rather than waited out.
    await page.clock.install();
    await importKeyAndLogIn(page, server.url, 'alice', principals.alice);
    const card = page.locator('li.agent[data-agent="agent-0"]');
    await expect.poll(() => card.locator('.facts').textContent(), { timeout: 15_000 }).toContain('target profile—');
    await card.getByRole('button', { name: 'Stop agent-0' }).click();
    await expect.poll(() => card.getAttribute('data-stop')).toBe('sent');
    expect(await card.locator('.stop-note').textContent()).toMatch(
      /^Stop sent \(order \S+\); waiting for the agent to halt\.$/,
    );
    await page.clock.fastForward('00:11');
    await expect.poll(() => card.getAttribute('data-stop')).toBe('overdue');
    expect(await card.locator('.stop-note').textContent()).toMatch(
      /^No halt seen 10 s after stop order \S+: it has not acknowledged the order; connected: (yes|no)\./,
    );
    expect(await card.locator('.stop-note').getAttribute('class')).toContain('error');
    expect(problems).toEqual([]);
  });

  it('proposes a stop that needs 2 signatures, shows who signed and who is missing; a co-signature halts it', async () => {
    const member = await joinFleet('agent-8', {
      charter: {
        groups: [],
        principals: [owner('alice'), owner('bob'), owner('carol')],
        authority: { stop: { roles: ['owner'], quorum: 2 } },
      },
    });
    const alice = await openPage(await newContext());
    await importKeyAndLogIn(alice.page, server.url, 'alice', principals.alice);
    const aliceCard = alice.page.locator('li.agent[data-agent="agent-8"]');
    await expect
      .poll(() => aliceCard.locator('.facts').textContent(), { timeout: 15_000 })
      .toContain('stop needs2 of the owner principals');
    await aliceCard.getByRole('button', { name: 'Stop agent-8' }).click();
    await expect.poll(() => aliceCard.getAttribute('data-stop')).toBe('proposed');
    expect(await aliceCard.locator('.stop-note').textContent()).toMatch(
      /^Stop proposed by alice \(order \S+\), waiting for co-signatures: signed by alice; missing bob, carol; needs 2 of alice, bob, carol\.$/,
    );
    // Proposed, not sent: the agent has seen no stop, so it has rejected none.
    expect(member.entries.filter((entry) => entry.type.startsWith('order-'))).toEqual([]);
    expect(await aliceCard.getByRole('button', { name: 'Co-sign the stop of agent-8' }).isHidden()).toBe(true);

    const bob = await openPage(await newContext());
    await importKeyAndLogIn(bob.page, server.url, 'bob', principals.bob);
    const bobCard = bob.page.locator('li.agent[data-agent="agent-8"]');
    await expect.poll(() => bobCard.getAttribute('data-stop'), { timeout: 15_000 }).toBe('proposed');
    await bobCard.getByRole('button', { name: 'Co-sign the stop of agent-8' }).click();
    const accepted = await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
    expect(accepted.data).toMatchObject({ signers: ['alice', 'bob'] });
    await member.waitForEntry('halt');
    expect(member.entries.some((entry) => entry.type === 'order-rejected')).toBe(false);
    // Both browsers show the halt; Alice's learns of the submission from the server, not from her own click.
    for (const card of [bobCard, aliceCard]) {
      await expect.poll(() => card.getAttribute('data-stop'), { timeout: 15_000 }).toBe('halted');
      expect(await card.locator('.stop-note').textContent()).toMatch(
        /^Halted by stop order \S+, signed by alice, bob:/,
      );
      expect(await card.getAttribute('data-status')).toBe('halted');
    }
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });

  it('approves a check from the inbox and exactly that action runs; a denied one does not run', async () => {
    const checked = { policy: { tools: { read_file: 'check' as const } } };
    const approved = await joinFleet('agent-3', { behaviour: 'obedient', charter: checked });
    const denied = await joinFleet('agent-4', { behaviour: 'obedient', charter: checked });
    const runs = [approved, denied].map((member) => {
      member.agent.deliver(signedBy('alice', member.agent.charter().agent, 'task', { text: 'read notes.txt' }));
      return member.agent.runToEnd();
    });
    const [toApprove, toDeny] = await Promise.all(
      [approved, denied].map((member) => member.waitForEntry('check-requested')),
    );
    await Promise.all([approved, denied].map((member) => member.agent.server!.flush()));

    const { page, problems } = await openPage(await newContext());
    await importKeyAndLogIn(page, server.url, 'bob', principals.bob);
    const asked: string[] = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    await page.goto(`${server.url}/console/checks`);
    const approveCard = page.locator(`li.check[data-agent="agent-3"][data-action="${toApprove!.data.action}"]`);
    const denyCard = page.locator(`li.check[data-agent="agent-4"][data-action="${toDeny!.data.action}"]`);
    await approveCard.waitFor({ timeout: 15_000 });
    await expect.poll(() => approveCard.textContent()).toContain('read_file');
    await expect.poll(() => approveCard.textContent()).toContain(String(toApprove!.data.prediction).slice(0, 40));
    await expect.poll(() => approveCard.textContent()).toMatch(/rule(?!not shipped)\S/);
    // Carol is an observer: she sees the check but her signature could not answer it, so no button is offered.
    const carol = await openPage(await newContext());
    await importKeyAndLogIn(carol.page, server.url, 'carol', principals.carol);
    await carol.page.goto(`${server.url}/console/checks`);
    const carolCard = carol.page.locator(`li.check[data-agent="agent-3"][data-action="${toApprove!.data.action}"]`);
    await carolCard.waitFor({ timeout: 15_000 });
    expect(await carolCard.textContent()).toContain(
      'Your roles here (observer) cannot answer it: an approval needs one signature by owner or operator.',
    );
    expect(await carolCard.getByRole('button').count()).toBe(0);
    expect(carol.problems).toEqual([]);

    await approveCard.getByRole('button', { name: 'Approve read_file on agent-3' }).click();
    await denyCard.getByRole('button', { name: 'Deny read_file on agent-4' }).click();

    const ran = await approved.waitForEntry('tool-call-start');
    expect(ran.data).toMatchObject({ tool: 'read_file', action: toApprove!.data.action });
    expect(await approved.waitForEntry('check-answered')).toMatchObject({
      data: { answer: 'approved', action: toApprove!.data.action, signers: ['bob'] },
    });
    expect(await denied.waitForEntry('check-answered')).toMatchObject({
      data: { answer: 'denied', action: toDeny!.data.action, signers: ['bob'] },
    });
    await Promise.all(runs);
    expect(denied.entries.filter((entry) => entry.type === 'tool-call-start')).toEqual([]);
    await expect.poll(() => page.locator('li.check').count(), { timeout: 15_000 }).toBe(0);
    // The inbox reads the checks again when the live stream brings a check's answer, not on a one-second poll.
    expect(asked).toContain('/audit/stream');
    expect(problems).toEqual([]);
  });

  it('verifies an exported log in the browser and marks the first bad entry of a tampered one', async () => {
    const agentKey = generateKeyPair();
    const path = join(folder, 'exported.db');
    const store = openSqliteAuditStore({ path, agent: 'agent-9', signingKey: agentKey.privateKey, checkpointEvery: 4 });
    for (let index = 1; index <= 9; index++) {
      const data = { call: `call-${index}`, name: 'read_file', outcome: 'ok' as const, characters: index };
      await store.append({ agent: 'agent-9', type: 'tool-call-end', data });
    }
    await store.close();
    const exported = await runHeed(['audit', 'export', '--jsonl', '--db', path]);
    expect(exported.code).toBe(0);
    const good = join(folder, 'good.jsonl');
    writeFileSync(good, exported.stdout);
    const lines = exported.stdout.trimEnd().split('\n');
    const entry = JSON.parse(lines[6]!);
    entry.data.characters = 700;
    lines[6] = JSON.stringify(entry);
    const tampered = join(folder, 'tampered.jsonl');
    writeFileSync(tampered, `${lines.join('\n')}\n`);

    const { page, problems } = await openPage(await newContext());
    await page.goto(`${server.url}/console/audit`);
    await page.getByLabel('Exported log (JSONL)').setInputFiles(good);
    await expect
      .poll(() => page.locator('#verify-status').textContent())
      .toMatch(/^✓ Verified 12 entries in this browser: 3 signed checkpoints/);
    expect(await page.locator('#verified li.bad').count()).toBe(0);
    await page.getByLabel('Exported log (JSONL)').setInputFiles(tampered);
    await expect
      .poll(() => page.locator('#verify-status').textContent())
      .toMatch(/^✗ Not verified: line 7: entry 7 was altered/);
    const bad = page.locator('#verified li.bad');
    expect(await bad.count()).toBe(1);
    expect(await bad.getAttribute('data-line')).toBe('7');
    expect(await bad.textContent()).toContain('First bad entry');
    expect(await page.locator('#verified li.good').count()).toBe(6);
    expect(await page.locator('#verified li.unverified').count()).toBe(5);
    expect(problems).toEqual([]);
  });

  it('shows as rejected an order the server altered: the agent refuses it and nothing happens', async () => {
    const honest = openSqliteServerStore(mkdtempSync(join(folder, 'altering-')));
    const alter = (order: OrderRecord): OrderRecord => {
      const envelope = JSON.parse(order.envelope);
      return { ...order, envelope: JSON.stringify({ ...envelope, body: { reason: 'the server says so' } }) };
    };
    const altering: ServerStore = {
      ...honest,
      ordersFor: async (targets, afterSeq, limit) => (await honest.ordersFor(targets, afterSeq, limit)).map(alter),
      onOrder: (listener) => honest.onOrder((order) => listener(alter(order))),
    };
    const patched = await serveControlPlane({ store: altering, stateDir: folder, port: 0 });
    try {
      const member = await joinAgent({ id: 'agent-5', server: patched.url, modelUrl: model.url });
      agents.push(member);
      await member.agent.server!.connected();
      const { page, problems } = await openPage(await newContext());
      await importKeyAndLogIn(page, patched.url, 'alice', principals.alice);
      await page.locator('li.agent[data-agent="agent-5"]').getByRole('button', { name: 'Stop agent-5' }).click();
      const rejected = await member.waitForEntry('order-rejected');
      expect(rejected.data).toMatchObject({ reason: 'bad-signature' });
      expect(member.agent.authorityState().stopped).toBeNull();
      await member.agent.server!.flush();
      // The fleet card says what became of the stop: refused, with the agent's reason.
      const stopped = page.locator('li.agent[data-agent="agent-5"]');
      await expect.poll(() => stopped.getAttribute('data-stop'), { timeout: 15_000 }).toBe('rejected');
      expect(await stopped.locator('.stop-note').textContent()).toMatch(
        /^The agent rejected the stop \(order \S+\): bad-signature/,
      );
      await page.goto(`${patched.url}/console/orders`);
      const shown = page.locator('#rejected li.rejected[data-agent="agent-5"]');
      await shown.waitFor({ timeout: 15_000 });
      expect(await shown.textContent()).toContain('bad-signature');
      expect(member.entries.some((entry) => entry.type === 'order-accepted')).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await patched.close();
      await honest.close();
    }
  });

  it('co-signs a 2-of-3 order from two browser profiles; the agent accepts it with both signatures', async () => {
    const member = await joinFleet('agent-6', {
      charter: {
        principals: [owner('alice'), owner('bob'), owner('carol')],
        authority: { resume: { roles: ['owner'], quorum: 2 } },
      },
    });
    await submitEnvelope(server.url, signedBy('alice', 'agent-6', 'stop'));
    await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');

    const alice = await openPage(await newContext());
    await importKeyAndLogIn(alice.page, server.url, 'alice', principals.alice);
    await alice.page.goto(`${server.url}/console/orders`);
    await alice.page.getByLabel('Agent').selectOption('agent-6');
    await alice.page.getByLabel('Kind').selectOption('resume');
    await alice.page.getByLabel(/Propose for co-signing/).check();
    await alice.page.getByRole('button', { name: 'Sign and send' }).click();
    await expect.poll(() => alice.page.locator('#order-status').textContent()).toMatch(/^Proposed resume order/);

    const bob = await openPage(await newContext());
    await importKeyAndLogIn(bob.page, server.url, 'bob', principals.bob);
    await bob.page.goto(`${server.url}/console/orders`);
    const card = bob.page.locator('li.pending-order', { hasText: 'resume for agent-6' });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toMatch(/signed byalice.*missingbob, carol.*needs2 of alice, bob, carol/);
    expect(member.entries.some((entry) => entry.type === 'order-accepted' && entry.data.kind === 'resume')).toBe(false);
    await card.getByRole('button', { name: 'Co-sign resume for agent-6' }).click();
    const accepted = await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    expect(accepted.data).toMatchObject({ signers: ['alice', 'bob'] });
    await expect
      .poll(
        () => alice.page.locator('li.pending-order', { hasText: 'resume for agent-6' }).getAttribute('data-status'),
        {
          timeout: 15_000,
        },
      )
      .toBe('submitted');
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });

  it('refuses bad input in the browser, naming what is wrong, and sends nothing', async () => {
    await joinFleet('agent-7');
    const { page, problems } = await openPage(await newContext());
    await page.goto(`${server.url}/console/fleet`);
    await page.waitForURL(/\/console\/login$/);
    await page.getByLabel('Principal name').fill('alice');
    const keyFile = page.getByLabel(/Private key file/);
    await keyFile.setInputFiles({
      name: 'alice.key.jwk',
      mimeType: 'application/json',
      buffer: Buffer.from('{"kty":'),
    });
    await page.getByRole('button', { name: 'Import key' }).click();
    await expect.poll(() => page.locator('#key-status').textContent()).toMatch(/^Error: the key file is not JSON/);
    const publicOnly = { ...principals.alice.publicJwk };
    await keyFile.setInputFiles({
      name: 'alice.jwk',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(publicOnly)),
    });
    await page.getByRole('button', { name: 'Import key' }).click();
    await expect.poll(() => page.locator('#key-status').textContent()).toMatch(/not a private Ed25519 JWK/);
    // Bob's d under Alice's x: a pair that is not one key.
    const mismatched = { ...principals.alice.privateJwk, d: principals.bob.privateJwk.d };
    await keyFile.setInputFiles({
      name: 'alice.key.jwk',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(mismatched)),
    });
    await page.getByRole('button', { name: 'Import key' }).click();
    await expect
      .poll(() => page.locator('#key-status').textContent())
      .toMatch(/no valid Ed25519 key pair \(x and d must be one key\)|d does not match its x/);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.locator('#login-status').textContent()).toBe('Error: import or generate a key first');

    // A key made in this browser for a principal no charter lists: the server refuses the login.
    await page.getByLabel('Principal name').fill('mallory');
    await page.getByRole('button', { name: 'Generate a new key here' }).click();
    await expect
      .poll(() => page.locator('#public-key').textContent())
      .toMatch(/^Public key for a charter: ed25519:[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => page.locator('#login-status').textContent())
      .toMatch(/no registered agent's charter lists 'mallory'/);
    await page.getByRole('button', { name: 'Forget the key' }).click();

    await importKeyAndLogIn(page, server.url, 'alice', principals.alice);
    await page.goto(`${server.url}/console/orders`);
    const before = (await server.store.readServerAudit(0, 10_000)).filter(
      (entry) => entry.action === 'order-submitted',
    ).length;
    await page.getByLabel('Kind').selectOption('task');
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await expect.poll(() => page.locator('#order-status').textContent()).toBe('Not sent: text is required');
    await page.getByLabel('Kind').selectOption('rotate');
    await page.getByLabel('Principal', { exact: true }).fill('bob');
    await page.getByLabel(/New public key/).fill('ed25519:not-a-key');
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await expect.poll(() => page.locator('#order-status').textContent()).toMatch(/key must be 'ed25519:'/);
    await page.getByLabel('Kind').selectOption('charter');
    await page.getByLabel('Charter (JSON)').fill('{"agent": ');
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await expect.poll(() => page.locator('#order-status').textContent()).toMatch(/^Not sent: the charter is not JSON/);
    const after = (await server.store.readServerAudit(0, 10_000)).filter(
      (entry) => entry.action === 'order-submitted',
    ).length;
    expect(after).toBe(before);
    expect(problems).toEqual([]);
  });
});
