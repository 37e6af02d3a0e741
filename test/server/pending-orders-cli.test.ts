// heed order propose / pending / cosign --server as a user runs them against heed serve; file co-signing unchanged.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer } from '../../src/server/server-client.ts';
import { runHeed } from '../helpers/run-heed.ts';

let root: string;
let server: ControlPlaneServer;
const names = ['alice', 'bob', 'carol'] as const;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heed-pending-cli-'));
  server = await serveControlPlane({ stateDir: join(root, 'server'), port: 0 });
  const principals = names.map((name) => {
    const pair = generateKeyPair();
    writeFileSync(join(root, `${name}.key.jwk`), JSON.stringify(pair.privateJwk), { mode: 0o600 });
    return { id: name, key: pair.publicKeyText, roles: ['owner'] };
  });
  await callServer(server.url, '/agents', {
    method: 'POST',
    body: JSON.stringify({
      agent: 'agent-1',
      publicKey: null,
      charterHash: 'b'.repeat(64),
      groups: [],
      principals,
      runId: 'run-1',
    }),
  });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const heed = (args: string[]) => runHeed(args, { cwd: root });

describe('heed order propose, pending and cosign --server', () => {
  it('proposes a resume, lists it, and submits it when a second owner co-signs', async () => {
    const signed = await heed([
      'order',
      'sign',
      '--key',
      'alice.key.jwk',
      '--agent',
      'agent-1',
      '--kind',
      'resume',
      '--out',
      'resume.json',
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    // Co-signing a file works as before.
    const fileCosigned = await heed(['order', 'cosign', 'resume.json', '--key', 'carol.key.jwk']);
    expect(fileCosigned.code, fileCosigned.stderr).toBe(0);
    expect(JSON.parse(fileCosigned.stdout).sigs.map((sig: { principal: string }) => sig.principal)).toEqual([
      'alice',
      'carol',
    ]);

    const proposed = await heed([
      'order',
      'propose',
      'resume.json',
      '--server',
      server.url,
      '--key',
      'alice.key.jwk',
      '--json',
    ]);
    expect(proposed.code, proposed.stderr).toBe(0);
    const { pending } = JSON.parse(proposed.stdout);
    expect(pending).toMatchObject({
      kind: 'resume',
      signers: ['alice'],
      missing: ['bob', 'carol'],
      required: { needed: 2 },
    });

    const listed = await heed(['order', 'pending', '--server', server.url, '--key', 'bob.key.jwk']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`${pending.id}  resume to agent-1  pending`);
    expect(listed.stdout).toMatch(/needs 2 of alice, bob, carol; awaiting bob, carol/);

    const cosigned = await heed(['order', 'cosign', pending.id, '--server', server.url, '--key', 'bob.key.jwk']);
    expect(cosigned.code, cosigned.stderr).toBe(0);
    expect(cosigned.stdout).toMatch(/^co-signed: .*the quorum is met: submitted as order \d+/);
    const shown = await heed([
      'order',
      'pending',
      pending.id,
      '--server',
      server.url,
      '--key',
      'carol.key.jwk',
      '--json',
    ]);
    expect(JSON.parse(shown.stdout).pending).toMatchObject({ status: 'submitted', signers: ['alice', 'bob'] });

    const again = await heed(['order', 'cosign', pending.id, '--server', server.url, '--key', 'carol.key.jwk']);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringMatching(/409.*is submitted/) });
  });

  it('submits one early and withdraws another', async () => {
    for (const name of ['early', 'dropped']) {
      const signed = await heed([
        'order',
        'sign',
        '--key',
        'alice.key.jwk',
        '--agent',
        'agent-1',
        '--kind',
        'resume',
        '--id',
        `${name}-order-id`,
        '--out',
        `${name}.json`,
      ]);
      expect(signed.code, signed.stderr).toBe(0);
      const proposed = await heed([
        'order',
        'propose',
        `${name}.json`,
        '--server',
        server.url,
        '--key',
        'alice.key.jwk',
      ]);
      expect(proposed.stdout).toMatch(/^proposed: /);
    }
    const submitted = await heed(['order', 'submit', 'early-order-id', '--server', server.url, '--key', 'bob.key.jwk']);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(submitted.stdout).toMatch(/^submitted: early-order-id to agent-1 \(order \d+\) with 1 of 2 signatures/);
    const withdrawn = await heed([
      'order',
      'withdraw',
      'dropped-order-id',
      '--server',
      server.url,
      '--key',
      'alice.key.jwk',
      '--json',
    ]);
    expect(withdrawn.code, withdrawn.stderr).toBe(0);
    expect(JSON.parse(withdrawn.stdout).pending).toMatchObject({ id: 'dropped-order-id', status: 'withdrawn' });
    const twice = await heed([
      'order',
      'withdraw',
      'dropped-order-id',
      '--server',
      server.url,
      '--key',
      'alice.key.jwk',
    ]);
    expect(twice).toMatchObject({ code: 1, stderr: expect.stringMatching(/409.*is withdrawn/) });
  });

  it('names what is wrong', async () => {
    const unknown = await heed(['order', 'cosign', 'no-such-id', '--server', server.url, '--key', 'bob.key.jwk']);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/404.*no pending order 'no-such-id'/) });
    const inPlace = await heed(['order', 'cosign', 'x', '--server', server.url, '--key', 'bob.key.jwk', '--in-place']);
    expect(inPlace).toMatchObject({ code: 2, stderr: expect.stringMatching(/--in-place/) });
    const missing = await heed(['order', 'propose', 'nothing.json', '--server', server.url, '--key', 'bob.key.jwk']);
    expect(missing.code).toBe(2);
    const badUrl = await heed(['order', 'pending', '--server', 'ftp://x', '--key', 'bob.key.jwk']);
    expect(badUrl).toMatchObject({ code: 2, stderr: expect.stringMatching(/http/) });
  });
});
