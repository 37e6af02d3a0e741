// Tools cannot get at heed's control plane through the workspace. A workspace holding the charter, keys or state is
// refused at start: a tool could rename a folder above them (mv cfg cfg.old; mkdir cfg; echo ... > cfg/charter.yaml)
// and the next run would load another charter and key. And every key heed knows of is protected whatever flags were
// given: before, only --key added the keys folder, so with --task-envelope a tool could read a principal's key.
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { runHeedInProcess } from '../authority/run-heed-in-process.ts';

let root: string;
const path = (...names: string[]) => join(root, ...names);
const alice = generateKeyPair();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'heed-workspace-keys-'));
  mkdirSync(path('project', 'cfg', 'keys'), { recursive: true });
  writeFileSync(path('project', 'cfg', 'keys', 'alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
  const charter = `agent: agent-1\ntarget: if-ranked\nprincipals:\n  - { id: alice, key: ${alice.publicKeyText}, roles: [owner] }\n`;
  writeFileSync(path('project', 'cfg', 'charter.yaml'), charter);
  mkdirSync(path('keys'));
  writeFileSync(path('keys', 'alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
  writeFileSync(path('charter.yaml'), charter);
  mkdirSync(path('workspace'));
  writeFileSync(path('done.yaml'), '- text: done\n');
  // A model that reads a file the workspace holds, then answers.
  writeFileSync(
    path('reads.yaml'),
    '- toolCalls: [{ name: read_file, arguments: { path: innocent.txt } }]\n- text: done\n',
  );
});

let tasks = 0;
/** A fresh task envelope signed by alice (each run needs its own: the state store refuses a replay). */
function taskFile(): string {
  const unsigned = createEnvelope({
    agent: 'agent-1',
    kind: 'task',
    body: { text: 'read innocent.txt' },
    ttlMs: 600_000,
    now: Date.now(),
  });
  const file = path(`task-${++tasks}.json`);
  writeFileSync(file, JSON.stringify(signEnvelope(unsigned, { principal: 'alice', privateKey: alice.privateKey })));
  return file;
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (...args: string[]) =>
  runHeedInProcess(['run', '--task-envelope', taskFile(), '--no-screening', '--json', ...args]);

describe('the workspace holds none of the control plane', () => {
  it('refuses a workspace that contains the charter and keys, naming them and saying what to do', async () => {
    const refused = await run(
      '--charter',
      path('project', 'cfg', 'charter.yaml'),
      '--model',
      `scripted:${path('done.yaml')}`,
      '--workspace',
      path('project'),
      '--state',
      path('project-state'),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Workspace '.*project' contains heed's control-plane path '.*project\/cfg\//);
    expect(refused.stderr).toMatch(/mkdir workspace; --workspace workspace/);
  });

  it('refuses a workspace that contains the state folder, even before it exists', async () => {
    const refused = await run(
      '--charter',
      path('charter.yaml'),
      '--model',
      `scripted:${path('done.yaml')}`,
      '--workspace',
      path('workspace'),
      '--state',
      path('workspace', '.heed'),
      '--keys',
      path('keys'),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/contains heed's control-plane path '.*workspace\/\.heed'/);
  });

  it('runs with the README layout: charter, keys and state beside the workspace', async () => {
    const ran = await run(
      '--charter',
      path('charter.yaml'),
      '--model',
      `scripted:${path('done.yaml')}`,
      '--workspace',
      path('workspace'),
      '--state',
      path('.heed'),
    );
    expect(ran.stderr).not.toMatch(/heed: (?!\[)/);
    expect(ran.code).toBe(0);
    // The agent's own key and the audit anchor went to the keys folder beside the state folder, not beside the log.
    expect(readdirSync(path('keys')).sort()).toEqual([
      'agent-1.agent.key.jwk',
      'agent-1.anchor.jsonl',
      'alice.key.jwk',
    ]);
    expect(readdirSync(path('.heed'))).not.toContain('agent.key.jwk');
    // The run's final state is as private as the rest of the state.
    const { state } = JSON.parse(ran.stdout) as { state: string };
    expect(statSync(state).mode & 0o777).toBe(0o600);
    expect(statSync(path('.heed', 'runs')).mode & 0o777).toBe(0o700);
  });
});

describe('every key heed knows of is protected, whatever flags were given', () => {
  it('keeps a principal key from a tool, with the task given as --task-envelope (no --key)', async () => {
    // Another name for the key inside the workspace: only the keys folder being protected can refuse it.
    linkSync(path('keys', 'alice.key.jwk'), path('workspace', 'innocent.txt'));
    try {
      const ran = await run(
        '--charter',
        path('charter.yaml'),
        '--model',
        `scripted:${path('reads.yaml')}`,
        '--workspace',
        path('workspace'),
        '--state',
        path('.heed'),
      );
      expect(ran.code).toBe(0);
      const { state } = JSON.parse(ran.stdout) as { state: string };
      const transcript = readFileSync(state, 'utf8');
      expect(transcript).toMatch(/hard link to the control-plane file/);
      expect(transcript).not.toContain(String(alice.privateJwk.d));
    } finally {
      rmSync(path('workspace', 'innocent.txt'));
    }
  });

  it("keeps the agent's own checkpoint key from a tool", async () => {
    linkSync(path('keys', 'agent-1.agent.key.jwk'), path('workspace', 'innocent.txt'));
    const agentKey = JSON.parse(readFileSync(path('keys', 'agent-1.agent.key.jwk'), 'utf8')) as { d: string };
    try {
      const ran = await run(
        '--charter',
        path('charter.yaml'),
        '--model',
        `scripted:${path('reads.yaml')}`,
        '--workspace',
        path('workspace'),
        '--state',
        path('.heed'),
      );
      const { state } = JSON.parse(ran.stdout) as { state: string };
      const transcript = readFileSync(state, 'utf8');
      expect(transcript).toMatch(/hard link to the control-plane file/);
      expect(transcript).not.toContain(agentKey.d);
    } finally {
      rmSync(path('workspace', 'innocent.txt'));
    }
  });
});
