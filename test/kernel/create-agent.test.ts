// createAgent, the one composition root: its inputs, its defaults on disk, and how it closes.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuthorityStore } from '../../src/authority/store/authority-store.ts';
import { createMemoryAuthorityStore } from '../../src/authority/store/memory-authority-store.ts';
import { formatPublicKey, generateKeyPair, parsePrivateJwk, publicKeyOf } from '../../src/core/ed25519.ts';
import { InvalidInputError } from '../../src/core/heed-error.ts';
import { createAgent } from '../../src/kernel/create-agent.ts';
import { createScriptedProvider } from '../../src/providers/scripted/scripted-provider.ts';
import { signOrder, testCharter } from './kernel-fixture.ts';

const folders: string[] = [];
function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'heed-create-agent-'));
  folders.push(made);
  return made;
}
afterAll(() => {
  for (const made of folders) rmSync(made, { recursive: true, force: true });
});

const clock = { now: () => Date.now() };
const provider = () => createScriptedProvider({ turns: [{ text: 'done' }] });
const mode = (path: string) => statSync(path).mode & 0o777;

describe('createAgent', () => {
  it('refuses inputs that do not name one charter, one model, and keys apart from the log', async () => {
    const charter = testCharter();
    await expect(createAgent({ provider: provider() })).rejects.toThrow(/exactly one of charter/);
    await expect(createAgent({ charter, charterFile: 'x.yaml', provider: provider() })).rejects.toThrow(
      /exactly one of charter/,
    );
    await expect(createAgent({ charter })).rejects.toThrow(/exactly one of provider and model/);
    await expect(createAgent({ charter, provider: provider(), model: 'fake:obedient' })).rejects.toThrow(
      InvalidInputError,
    );
    const root = folder();
    await expect(
      createAgent({ charter, provider: provider(), stateDir: join(root, 'state'), keysDir: join(root, 'state') }),
    ).rejects.toThrow(/must not sit beside it/);
    await expect(
      createAgent({
        charter,
        provider: provider(),
        stateDir: join(root, 'state'),
        anchorFile: join(root, 'state', 'anchor.jsonl'),
      }),
    ).rejects.toThrow(/must not sit in the state folder/);
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    await expect(createAgent({ charter, provider: provider(), stateDir: shared })).rejects.toThrow(
      /writable by every user/,
    );
    // Nothing was left open or half-made by the refusals.
    expect(readdirSync(root).sort()).toEqual(['shared']);
  });

  it('keeps state in the state folder (0700) and the agent key and anchor in the keys folder beside it', async () => {
    const root = folder();
    const stateDir = join(root, '.heed');
    mkdirSync(stateDir, { mode: 0o755 });
    chmodSync(stateDir, 0o755);
    const agent = await createAgent({ charter: testCharter(), provider: provider(), stateDir, screening: false });
    expect(agent.paths).toEqual({
      stateDir,
      database: join(stateDir, 'heed.db'),
      keysDir: join(root, 'keys'),
      agentKey: join(root, 'keys', 'agent-1.agent.key.jwk'),
      anchor: join(root, 'keys', 'agent-1.anchor.jsonl'),
    });
    agent.deliver(signOrder('task', { text: 'go' }, { clock }));
    expect(await agent.runToEnd()).toMatchObject({ type: 'final', text: 'done' });
    await agent.close();
    expect(mode(stateDir)).toBe(0o700);
    expect(mode(join(root, 'keys'))).toBe(0o700);
    expect(mode(join(stateDir, 'heed.db'))).toBe(0o600);
    expect(mode(join(root, 'keys', 'agent-1.agent.key.jwk'))).toBe(0o600);
    expect(mode(join(root, 'keys', 'agent-1.anchor.jsonl'))).toBe(0o600);
    expect(readdirSync(stateDir)).toEqual(['heed.db']);
  });

  it('moves an agent key an older heed left beside the log into the keys folder, keeping the key', async () => {
    const root = folder();
    const stateDir = join(root, '.heed');
    mkdirSync(stateDir, { mode: 0o700 });
    const old = generateKeyPair();
    writeFileSync(join(stateDir, 'agent.key.jwk'), JSON.stringify(old.privateJwk), { mode: 0o600 });
    const agent = await createAgent({ charter: testCharter(), provider: provider(), stateDir, screening: false });
    await agent.close();
    expect(existsSync(join(stateDir, 'agent.key.jwk'))).toBe(false);
    const moved = parsePrivateJwk(readFileSync(agent.paths.agentKey!, 'utf8'));
    expect(formatPublicKey(publicKeyOf(moved))).toBe(old.publicKeyText);
  });

  it('lives in memory without a state folder, and close halts a run still going', async () => {
    const agent = await createAgent({
      charter: testCharter(),
      provider: createScriptedProvider({ turns: [{ text: 'slow', delayMs: 10_000 }] }),
      screening: false,
    });
    expect(agent.paths).toEqual({
      stateDir: undefined,
      database: undefined,
      keysDir: undefined,
      agentKey: undefined,
      anchor: undefined,
    });
    agent.deliver(signOrder('task', { text: 'go' }, { clock }));
    const running = agent.run();
    await agent.close();
    expect(await running).toMatchObject({ type: 'halted', reason: 'cancelled', detail: 'the agent was closed' });
    await agent.close();
  });

  it('opens a control endpoint that answers once an accepted order is in the log', async () => {
    const agent = await createAgent({
      charter: testCharter(),
      provider: createScriptedProvider({ turns: [{ text: 'slow', delayMs: 10_000 }] }),
      screening: false,
      controlPort: 0,
    });
    const seen: string[] = [];
    agent.onEvent((entry) => seen.push(entry.type));
    const response = await fetch(`${agent.controlUrl}/orders`, {
      method: 'POST',
      body: JSON.stringify(signOrder('task', { text: 'go' }, { clock })),
    });
    expect(response.status).toBe(200);
    expect(seen).toContain('order-accepted');
    await agent.close();
    await expect(fetch(`${agent.controlUrl}/status`)).rejects.toThrow();
  });

  it('halts when its state store cannot be written: an order it cannot keep changes nothing', async () => {
    const inner = createMemoryAuthorityStore();
    let failing = false;
    const authorityStore: AuthorityStore = {
      ...inner,
      append: (...args) => {
        if (failing) throw new Error('disk full');
        inner.append(...args);
      },
    };
    const agent = await createAgent({
      charter: testCharter(),
      provider: createScriptedProvider({ turns: [{ text: 'slow', delayMs: 10_000 }] }),
      screening: false,
      authorityStore,
    });
    expect(agent.deliver(signOrder('task', { text: 'go' }, { clock })).accepted).toBe(true);
    const running = agent.run();
    failing = true;
    const revoke = agent.deliver(signOrder('revoke', { principal: 'bob' }, { clock }));
    expect(revoke).toMatchObject({
      accepted: false,
      reason: 'error',
      detail: expect.stringMatching(/state store cannot be written: .*disk full/),
    });
    expect(await running).toMatchObject({ type: 'halted', reason: 'error' });
    expect(agent.charter().principals.find((principal) => principal.id === 'bob')?.revoked).toBe(false);
    await agent.close();
  });
});
