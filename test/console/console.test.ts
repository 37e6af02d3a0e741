// The web console in Chromium against a real heed serve with agents joined over HTTP (in process, on the fake
// model): keys imported into the browser, STOP, approving and denying checks, orders the server altered shown as
// rejected, and an exported audit log verified in the browser with a tampered entry marked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { closeAgents, type FleetAgent, joinAgent, principals, signedBy } from '../server/fleet-fixture.ts';
import { browserSuiteSkipped, importKeyAndLogIn, launchBrowser, openPage } from './console-browser.ts';

const skipped = browserSuiteSkipped();
let browser: Browser;
let model: FakeModelServer;
let server: ControlPlaneServer;
let folder: string;
const agents: FleetAgent[] = [];
const contexts: BrowserContext[] = [];

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
    folder = mkdtempSync(join(tmpdir(), 'heed-console-'));
    server = await serveControlPlane({ stateDir: folder, port: 0 });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await closeAgents(agents);
    await server?.close();
    await model?.close();
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
    const member = await joinFleet('agent-1');
    await joinFleet('agent-2');
    member.agent.deliver(signedBy('alice', 'agent-1', 'task', { text: 'read notes.txt repeatedly until done' }));
    const run = member.agent.runToEnd();
    await member.waitForEntry('model-call-start');

    const { page, problems } = await openPage(await newContext());
    await importKeyAndLogIn(page, server.url, 'alice', principals.alice);
    const card = page.locator('li.agent[data-agent="agent-1"]');
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
    await card.getByRole('button', { name: 'Stop agent-1' }).click();
    const step = await run;
    expect(step).toMatchObject({ type: 'halted', reason: 'stop' });
    const accepted = await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
    expect(accepted.data).toMatchObject({ signers: ['alice'] });
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 15_000 }).toBe('halted');
    await expect.poll(() => card.locator('.state').textContent()).toMatch(/^halted \(stop: /);
    await expect.poll(() => card.locator('.recent [data-type="halt"]').count()).toBe(1);
    expect(await page.locator('li.agent[data-agent="agent-2"]').getAttribute('data-status')).not.toBe('halted');
    expect(problems).toEqual([]);
  });
});
