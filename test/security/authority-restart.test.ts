// Authority outlives the process: a revocation, a rotation, a charter change and a stop made in one `heed run` hold in
// the next, also when the first was killed with SIGKILL right after the order was accepted. Before, every run rebuilt
// the authority from the charter file, so a revoked principal's task and a rotated-away key were accepted again and a
// stopped agent started on the next task.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/authority/envelope.ts';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import type { OrderKind } from '../../src/charter/charter-schema.ts';
import { generateKeyPair, type PrincipalKeyPair } from '../../src/core/ed25519.ts';
import { runHeedInProcess } from '../authority/run-heed-in-process.ts';
import { heedBin } from '../helpers/run-heed.ts';

let root: string;
const path = (name: string) => join(root, name);
const keys: Record<'alice' | 'bob' | 'carol' | 'bobNext', PrincipalKeyPair> = {
  alice: generateKeyPair(),
  bob: generateKeyPair(),
  carol: generateKeyPair(),
  bobNext: generateKeyPair(),
};
const children: ChildProcess[] = [];

function charterText(agent: string, extra = ''): string {
  return `agent: ${agent}
target: if-ranked
principals:
  - { id: alice, key: ${keys.alice.publicKeyText}, roles: [owner] }
  - { id: bob, key: ${keys.bob.publicKeyText}, roles: [operator] }
${extra}`;
}

function sign(
  agent: string,
  kind: OrderKind,
  body: Record<string, unknown>,
  signer: keyof typeof keys | 'carolNext',
): Envelope {
  // bobNext's key is the one carol rotates to.
  const principal = signer === 'bobNext' ? 'bob' : signer === 'carolNext' ? 'carol' : signer;
  const unsigned = createEnvelope({ agent, kind, body, ttlMs: 3_600_000, now: Date.now() });
  const privateKey = (signer === 'carolNext' ? keys.bobNext : keys[signer]).privateKey;
  return signEnvelope(unsigned, { principal, privateKey });
}

function writeOrder(name: string, envelope: Envelope): string {
  writeFileSync(path(name), JSON.stringify(envelope));
  return name;
}

/** One agent's folder layout: charter, scripted model, workspace, state, keys. */
function agentFolder(agent: string, extra = ''): string {
  const folder = path(agent);
  mkdirSync(join(folder, 'workspace'), { recursive: true });
  writeFileSync(join(folder, 'charter.yaml'), charterText(agent, extra));
  writeFileSync(join(folder, 'done.yaml'), '- text: done\n');
  writeFileSync(join(folder, 'stalls.yaml'), '- text: never\n  delayMs: 600000\n');
  return folder;
}

/** `heed run` in this process (the same code as the command, without starting Node), with absolute paths. */
function run(folder: string, taskFile: string, ...more: string[]) {
  return runHeedInProcess([
    'run',
    '--charter',
    join(folder, 'charter.yaml'),
    '--task-envelope',
    join(root, taskFile),
    '--model',
    `scripted:${join(folder, 'done.yaml')}`,
    '--workspace',
    join(folder, 'workspace'),
    '--state',
    join(folder, '.heed'),
    '--no-screening',
    ...more.map((arg) => (arg.endsWith('.json') ? join(root, arg) : arg)),
  ]);
}

/** Starts a run that stalls on its model, with a control endpoint; resolves with the child and the endpoint. */
async function startStalledRun(folder: string, taskFile: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(
    process.execPath,
    [
      heedBin,
      'run',
      '--charter',
      'charter.yaml',
      '--task-envelope',
      join(root, taskFile),
      '--model',
      'scripted:stalls.yaml',
      '--workspace',
      'workspace',
      '--control-port',
      '0',
    ],
    { cwd: folder, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  children.push(child);
  let text = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const found = /control endpoint (http:\/\/\S+)/.exec(text);
      // The model call has started: the run is under way, waiting on the model.
      if (found && /model call/.test(text)) resolve(found[1]!);
    });
    child.once('exit', () => reject(new Error(`heed run exited early:\n${text}`)));
  });
  return { child, endpoint };
}

async function post(endpoint: string, envelope: Envelope): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${endpoint}/orders`, { method: 'POST', body: JSON.stringify(envelope) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'heed-authority-restart-'));
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('authority state survives a restart of heed run', () => {
  it('keeps a revocation, a rotation and a stop accepted just before heed run was killed with SIGKILL', async () => {
    const folder = agentFolder('killed', `  - { id: carol, key: ${keys.carol.publicKeyText}, roles: [operator] }\n`);
    const running = await startStalledRun(
      folder,
      writeOrder('killed-task-1.json', sign('killed', 'task', { text: 'one' }, 'bob')),
    );
    const orders: Array<[Envelope, string]> = [
      [sign('killed', 'revoke', { principal: 'bob' }, 'alice'), 'revoked'],
      [sign('killed', 'rotate', { principal: 'carol', key: keys.bobNext.publicKeyText }, 'alice'), 'rotated'],
      [sign('killed', 'stop', { reason: 'enough' }, 'carolNext'), 'stop'],
    ];
    for (const [envelope, effect] of orders) {
      expect(await post(running.endpoint, envelope)).toMatchObject({ status: 200, body: { accepted: true, effect } });
    }
    await killHard(running.child);

    // The revocation itself cannot be replayed either: its id is remembered with it.
    const byBob = await run(
      folder,
      writeOrder('killed-bob.json', sign('killed', 'task', { text: 'two' }, 'bob')),
      '--order',
      writeOrder('killed-revoke-again.json', orders[0]![0]),
    );
    expect(byBob.stderr).toMatch(/--order .*killed-revoke-again.json was rejected \(replayed\)/);
    expect(byBob.stderr).toContain('the task order was rejected (revoked-signer)');
    expect(byBob.code).toBe(1);
    const oldKey = await run(
      folder,
      writeOrder('killed-carol-old.json', sign('killed', 'task', { text: 'x' }, 'carol')),
    );
    expect(oldKey.stderr).toContain('the task order was rejected (bad-signature)');
    const stopped = await run(folder, writeOrder('killed-alice.json', sign('killed', 'task', { text: 'y' }, 'alice')));
    expect(stopped.stdout).toMatch(/^halted \(stop\): the agent is stopped \(order \S+ by carol/);
    expect(stopped.stderr).toMatch(/is stopped .*until a verified resume: pass one with --order FILE/);
    expect(stopped.code).toBe(1);
    // The log written up to the kill still verifies, and holds the accepted envelopes whole.
    const exported = await runHeedInProcess(['audit', 'export', '--jsonl', '--db', join(folder, '.heed/heed.db')]);
    const accepted = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: { envelope?: Envelope } })
      .filter((entry) => entry.type === 'order-accepted');
    expect(accepted.map((entry) => entry.data.envelope?.kind)).toEqual(
      expect.arrayContaining(['revoke', 'rotate', 'stop']),
    );
    const verified = await runHeedInProcess(['audit', 'verify', '--db', join(folder, '.heed/heed.db'), '--json']);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
  });

  it('keeps a stop until a verified resume, and only a resume its rule allows', async () => {
    const folder = agentFolder('stopping');
    const first = await run(
      folder,
      writeOrder('stopping-task-1.json', sign('stopping', 'task', { text: 'one' }, 'alice')),
      '--order',
      writeOrder('stop.json', sign('stopping', 'stop', { reason: 'enough' }, 'bob')),
    );
    expect(first.stdout).toMatch(/^halted \(stop\)/);
    expect(first.code).toBe(1);
    // bob may stop but not resume (owners only): his resume is refused and the agent stays stopped.
    const refused = await run(
      folder,
      writeOrder('stopping-task-2.json', sign('stopping', 'task', { text: 'two' }, 'alice')),
      '--order',
      writeOrder('resume-bob.json', sign('stopping', 'resume', {}, 'bob')),
    );
    expect(refused.stderr).toMatch(/--order .*resume-bob.json was rejected \(role-not-permitted\)/);
    expect(refused.stdout).toMatch(/^halted \(stop\): the agent is stopped/);
    const resumed = await run(
      folder,
      writeOrder('stopping-task-3.json', sign('stopping', 'task', { text: 'three' }, 'alice')),
      '--order',
      writeOrder('resume.json', sign('stopping', 'resume', {}, 'alice')),
    );
    expect(resumed.stdout).toBe('done\n');
    expect(resumed.code).toBe(0);
  });

  it('keeps a charter change made by a signed order, and refuses a charter file swapped behind its back', async () => {
    const folder = agentFolder('rechartered');
    const withCarol = {
      agent: 'rechartered',
      target: 'if-ranked',
      principals: [
        { id: 'alice', key: keys.alice.publicKeyText, roles: ['owner'] },
        { id: 'bob', key: keys.bob.publicKeyText, roles: ['operator'] },
        { id: 'carol', key: keys.carol.publicKeyText, roles: ['operator'] },
      ],
    };
    const first = await run(
      folder,
      writeOrder('rechartered-task-1.json', sign('rechartered', 'task', { text: 'one' }, 'alice')),
      '--order',
      writeOrder('recharter.json', sign('rechartered', 'charter', { charter: withCarol }, 'alice')),
    );
    expect(first.code).toBe(0);
    const byCarol = await run(
      folder,
      writeOrder('rechartered-carol.json', sign('rechartered', 'task', { text: 'two' }, 'carol')),
    );
    expect(byCarol.code).toBe(0);
    // Someone with access to the files swaps the charter for one that makes mallory an owner.
    const mallory = generateKeyPair();
    writeFileSync(
      join(folder, 'charter.yaml'),
      charterText('rechartered', `  - { id: mallory, key: ${mallory.publicKeyText}, roles: [owner] }\n`),
    );
    const swapped = await run(
      folder,
      writeOrder('rechartered-task-3.json', sign('rechartered', 'task', { text: 'three' }, 'alice')),
    );
    expect(swapped.stderr).toMatch(/differs from the one its state store holds/);
    expect(swapped.code).toBe(2);
  });
});
