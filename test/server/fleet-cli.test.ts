// The fleet commands as a user runs them, against a server in this process: --json output, and bad input named.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { heedBin, runHeed } from '../helpers/run-heed.ts';
import { closeAgents, type FleetAgent, joinAgent, principals, signedBy } from './fleet-fixture.ts';

let folder: string;
let server: ControlPlaneServer;
let member: FleetAgent;
const aliceKey = () => join(folder, 'alice.key.jwk');

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'heed-fleet-cli-'));
  writeFileSync(aliceKey(), JSON.stringify(principals.alice.privateKey.export({ format: 'jwk' })), { mode: 0o600 });
  server = await serveControlPlane({ stateDir: join(folder, 'server'), port: 0 });
  member = await joinAgent({ id: 'agent-1', server: server.url });
  await member.agent.server!.connected();
});
afterAll(async () => {
  await closeAgents([member]);
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('heed fleet, order send --server and audit tail --server', () => {
  it('lists, stops a group, sends one order and tails the shipped audit, as JSON', async () => {
    const listed = await runHeed(['fleet', 'ls', '--server', server.url, '--key', aliceKey(), '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).agents).toMatchObject([{ id: 'agent-1', groups: ['fleet'], roles: ['owner'] }]);

    const waited = await runHeed(['fleet', 'ls', '--server', server.url, '--key', aliceKey(), '--wait', '1', '--json']);
    expect(JSON.parse(waited.stdout).agents).toMatchObject([{ id: 'agent-1', connected: true }]);
    const tooMany = await runHeed([
      'fleet',
      'ls',
      '--server',
      server.url,
      '--key',
      aliceKey(),
      '--wait',
      '2',
      '--timeout',
      '1s',
    ]);
    expect(tooMany).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/1 of the 2 agents awaited are connected after 1s/),
    });

    const stopped = await runHeed(['fleet', 'stop', 'fleet', '--server', server.url, '--key', aliceKey(), '--json']);
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ target: 'group:fleet', members: 1 });
    await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');

    const resume = join(folder, 'resume.json');
    writeFileSync(resume, signedBy('alice', 'agent-1', 'resume'));
    const sent = await runHeed(['order', 'send', '--server', server.url, resume, '--json']);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ target: 'agent-1' });
    await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    await member.agent.server!.flush();

    const tail = await runHeed([
      'audit',
      'tail',
      '--server',
      server.url,
      '--agent',
      'agent-1',
      '--key',
      aliceKey(),
      '--json',
      '-n',
      '50',
    ]);
    expect(tail.code).toBe(0);
    const kinds = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.type === 'order-accepted')
      .map((entry) => entry.data.kind);
    expect(kinds).toEqual(['stop', 'resume']);
  });

  it('follows the fleet-wide live stream: what the server held, then each entry as it arrives', async () => {
    const child = spawn(
      process.execPath,
      [
        heedBin,
        'audit',
        'tail',
        '--server',
        server.url,
        '--all',
        '--follow',
        '--key',
        aliceKey(),
        '--json',
        '-n',
        '1000',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    const waiters = new Set<() => void>();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const waiter of waiters) waiter();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const accepted = () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { agent: string; type: string; data: { kind?: string } })
        .filter((entry) => entry.type === 'order-accepted')
        .map((entry) => entry.data.kind);
    const printed = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (accepted().length < count) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    await printed(2);
    expect(accepted()).toEqual(['stop', 'resume']);
    const resumed = await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    await runHeed(['fleet', 'stop', 'fleet', '--server', server.url, '--key', aliceKey()]);
    // The stop after the resume halts the agent again, and its entries are shipped like the first stop's.
    await member.waitForEntry('halt', (entry) => entry.seq > resumed.seq);
    await member.agent.server!.flush();
    await printed(3);
    expect(accepted()).toEqual(['stop', 'resume', 'stop']);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, stderr }).toMatchObject({ code: 0, stderr: '' });
  });

  it('names what is wrong and exits non-zero', async () => {
    const noKey = await runHeed(['fleet', 'ls', '--server', server.url]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/--key/);
    const badUrl = await runHeed(['fleet', 'ls', '--server', 'not a url', '--key', aliceKey()]);
    expect(badUrl).toMatchObject({ code: 2, stderr: expect.stringMatching(/'not a url' is not a URL/) });
    const noServer = await runHeed(['fleet', 'stop', 'fleet', '--key', aliceKey()], { env: { HEED_SERVER: '' } });
    expect(noServer).toMatchObject({ code: 2, stderr: expect.stringMatching(/--server URL/) });
    const nobody = await runHeed(['fleet', 'stop', 'nowhere', '--server', server.url, '--key', aliceKey()]);
    expect(nobody).toMatchObject({ code: 1, stderr: expect.stringMatching(/404.*group 'nowhere'/) });
    const down = await runHeed(['fleet', 'ls', '--server', 'http://127.0.0.1:9', '--key', aliceKey()]);
    expect(down).toMatchObject({ code: 3, stderr: expect.stringMatching(/Cannot reach the server/) });
    const twoFiles = await runHeed(['order', 'send', '--server', server.url, 'a.json', 'b.json']);
    expect(twoFiles).toMatchObject({ code: 2, stderr: expect.stringMatching(/only the envelope file/) });
    const badPort = await runHeed(['serve', '--port', 'eighty', '--state', join(folder, 'other')]);
    expect(badPort).toMatchObject({ code: 2, stderr: expect.stringMatching(/--port 'eighty'/) });
    const noAgent = await runHeed(['audit', 'tail', '--server', server.url, '--key', aliceKey()]);
    expect(noAgent).toMatchObject({ code: 2, stderr: expect.stringMatching(/--agent ID and --all/) });
    const allOnce = await runHeed(['audit', 'tail', '--server', server.url, '--all', '--key', aliceKey()]);
    expect(allOnce).toMatchObject({ code: 2, stderr: expect.stringMatching(/--all reads the live .*--follow/) });
    for (const command of [['serve'], ['fleet', 'ls'], ['fleet', 'stop']]) {
      const help = await runHeed([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/--json/);
    }
  });
});
