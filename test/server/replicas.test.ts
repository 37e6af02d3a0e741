// Two `heed serve` replicas on one PostgreSQL database: an order submitted to one reaches agents on the other
// through LISTEN/NOTIFY, and a replica killed with SIGKILL loses no accepted order: restarted, it resumes each
// agent's stream where the agent left off.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBytes } from '../../src/core/ed25519.ts';
import { challengePrefix } from '../../src/server/principal-auth.ts';
import type { ServerEvent } from '../../src/server/read-server-events.ts';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { callServer, loginToServer, submitEnvelope } from '../../src/server/server-client.ts';
import { postgresTestsOff, postgresTestUrl, requirePostgres } from '../helpers/postgres.ts';
import { heedBin } from '../helpers/run-heed.ts';
import { closeAgents, type FleetAgent, joinAgent, principals, registerSignedAgent, signedBy } from './fleet-fixture.ts';
import { readUntil } from './read-until.ts';

const schema = `heed_server_replicas_${process.pid}`;
const folder = mkdtempSync(join(tmpdir(), 'heed-replicas-'));

/** `heed serve` as its own process on PostgreSQL; resolves once it prints where it serves. */
function startReplica(port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [heedBin, 'serve', '--port', String(port), '--schema', schema, '--json'], {
    env: { ...process.env, HEED_DATABASE_URL: postgresTestUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const line = output.split('\n').find((text) => text.startsWith('{'));
      if (line !== undefined) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('exit', (code) => reject(new Error(`heed serve exited (${code}) before serving:\n${output}`)));
  });
}

describe.skipIf(postgresTestsOff)('two replicas on PostgreSQL', () => {
  let replicaA: ControlPlaneServer;
  const agents: FleetAgent[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await requirePostgres();
    replicaA = await serveControlPlane({ stateDir: folder, databaseUrl: postgresTestUrl, schema, port: 0 });
  });
  afterAll(async () => {
    await closeAgents(agents);
    for (const child of children) child.kill('SIGKILL');
    await replicaA?.close();
    const client = new pg.Client({ connectionString: postgresTestUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    rmSync(folder, { recursive: true, force: true });
  });

  it('delivers a stop submitted to A to an agent on B, and loses no accepted order when B is killed', async () => {
    const first = await startReplica(0);
    children.push(first.child);
    const port = Number(new URL(first.url).port);
    agents.push(await joinAgent({ id: 'agent-a', server: replicaA.url }));
    agents.push(await joinAgent({ id: 'agent-b', server: first.url }));
    const [onA, onB] = agents as [FleetAgent, FleetAgent];
    await Promise.all([onA.agent.server!.connected(), onB.agent.server!.connected()]);

    await submitEnvelope(replicaA.url, signedBy('bob', 'group:fleet', 'stop', { reason: 'fleet halt' }));
    await Promise.all(
      agents.map((member) => member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop')),
    );
    expect(onB.agent.authorityState().stopped).not.toBeNull();

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    // Accepted by A while B is dead: it is in the database, so it is not lost.
    await submitEnvelope(replicaA.url, signedBy('alice', 'group:fleet', 'resume'));
    await onA.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    expect(onB.entries.some((entry) => entry.type === 'order-accepted' && entry.data.kind === 'resume')).toBe(false);

    const second = await startReplica(port);
    children.push(second.child);
    await onB.waitForEntry('order-accepted', (entry) => entry.data.kind === 'resume');
    expect(onB.agent.authorityState().stopped).toBeNull();
    // Resumed from the last order it had: nothing delivered twice, so nothing rejected as a replay.
    for (const member of agents) expect(member.entries.filter((entry) => entry.type === 'order-rejected')).toEqual([]);
  });

  it('answers at one replica the login challenges the other issued, each once', async () => {
    const replicaB = await serveControlPlane({ stateDir: folder, databaseUrl: postgresTestUrl, schema, port: 0 });
    try {
      // An agent registers at B with the challenge A issued it.
      const roster = [{ id: 'alice', key: principals.alice.publicKeyText, roles: ['owner'] }];
      const fields = { agent: 'agent-d', charterHash: 'a'.repeat(64), groups: ['fleet'], principals: roster };
      await registerSignedAgent(replicaA.url, { ...fields, runId: 'run-d' }, undefined, replicaB.url);
      // A principal logs in at B with the challenge A issued; the token holds on both; the challenge is used up.
      const { challenge } = await callServer<{ challenge: string }>(replicaA.url, '/auth/challenge', {
        method: 'POST',
        body: JSON.stringify({ principal: 'alice' }),
      });
      const message = Buffer.from(challengePrefix + challenge, 'utf8');
      const signature = Buffer.from(signBytes(principals.alice.privateKey, message)).toString('base64url');
      const login = { method: 'POST', body: JSON.stringify({ principal: 'alice', challenge, signature }) };
      const { token } = await callServer<{ token: string }>(replicaB.url, '/auth/token', login);
      for (const replica of [replicaA, replicaB]) {
        const listed = await callServer<unknown>(replica.url, '/agents', { token });
        expect(JSON.stringify(listed)).toContain('"agent-d"');
      }
      await expect(callServer(replicaA.url, '/auth/token', login)).rejects.toThrow(/401.*challenge is unknown, used/);
      await expect(callServer(replicaB.url, '/auth/token', login)).rejects.toThrow(/401.*challenge is unknown, used/);
    } finally {
      await replicaB.close();
    }
  });

  it('shows on an audit stream held on A the entries an agent ships to B', async () => {
    const replicaB = await startReplica(0);
    children.push(replicaB.child);
    const member = await joinAgent({ id: 'agent-c', server: replicaB.url });
    agents.push(member);
    await member.agent.server!.connected();
    const alice = await loginToServer(replicaA.url, 'alice', principals.alice.privateKey);
    const shipped = (events: readonly ServerEvent[]) =>
      events.some(
        (event) =>
          event.event === 'entry' &&
          (JSON.parse(event.data) as { agent: string; entry: { type: string } }).entry.type === 'order-accepted',
      );
    const reading = readUntil(replicaA.url, '/agents/agent-c/audit/stream', { token: alice }, shipped);
    await submitEnvelope(replicaB.url, signedBy('bob', 'agent-c', 'stop'));
    await member.waitForEntry('order-accepted', (entry) => entry.data.kind === 'stop');
    await member.agent.server!.flush();
    const events = await reading;
    expect(events.filter((event) => event.event === 'entry').every((event) => event.data.includes('"agent-c"'))).toBe(
      true,
    );
  });
});
