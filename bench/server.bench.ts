// server.fleet_halt_p99_ms: 1,000 agents, in this process, each joined to `heed serve` over loopback HTTP (its own
// SSE stream); one signed group stop submitted; time until every agent has verified it, stopped and committed it to
// its audit log. server.fleet_halt_cross_replica_p99_ms: the same on PostgreSQL with two replicas, half the agents
// on each, the stop submitted to one. server.orders_per_s: signed orders submitted over HTTP, each routed, verified
// and recorded by its agent, against the same orders delivered in process (the baseline).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { AuditEntry } from '../src/audit/audit-event.ts';
import { signOrder } from '../src/authority/sign-envelope.ts';
import { generateKeyPair } from '../src/core/ed25519.ts';
import { type Agent, createAgent } from '../src/kernel/create-agent.ts';
import { createOpenAiCompatibleProvider } from '../src/providers/openai/openai-compatible-provider.ts';
import { type ControlPlaneServer, serveControlPlane } from '../src/server/serve-server.ts';
import { submitEnvelope } from '../src/server/server-client.ts';
import { postgresTestUrl } from '../test/helpers/postgres.ts';
import { percentile } from './measure.ts';
import type { Bench } from './run.ts';

const alice = generateKeyPair();
/** The machine's one-minute load average: these figures share the CPU with whatever else runs. */
const loadNow = () => Number(loadavg()[0]!.toFixed(2));
const agentCount = Number(process.env.HEED_BENCH_AGENTS ?? 1000);
const runs = Number(process.env.HEED_BENCH_RUNS ?? 30);

interface Member {
  agent: Agent;
  /** Resolves when this agent has recorded the acceptance of the order with this id. */
  accepted: (id: string) => Promise<void>;
}

/** When the first member recorded each order's acceptance: how long the order took to reach any agent at all. */
const firstAccepted = new Map<string, number>();

async function joinMembers(servers: readonly ControlPlaneServer[], count: number, prefix: string): Promise<Member[]> {
  const members: Member[] = [];
  // A model is never called: the agents take orders and record them, which is what the figure measures.
  const provider = createOpenAiCompatibleProvider({ model: 'unused', baseUrl: 'http://127.0.0.1:9/v1' });
  for (let index = 0; index < count; index++) {
    const agent = await createAgent({
      charter: {
        agent: `${prefix}-${index}`,
        target: 'if-ranked',
        groups: ['fleet'],
        principals: [{ id: 'alice', key: alice.publicKeyText, roles: ['owner'] }],
      },
      provider,
      screening: false,
      server: servers[index % servers.length]!.url,
    });
    const waiting = new Map<string, () => void>();
    const seen = new Set<string>();
    agent.onEvent((entry: AuditEntry) => {
      if (entry.type !== 'order-accepted') return;
      const id = entry.data.id as string;
      if (!firstAccepted.has(id)) firstAccepted.set(id, performance.now());
      seen.add(id);
      waiting.get(id)?.();
    });
    members.push({
      agent,
      accepted: (id) => (seen.has(id) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(id, resolve))),
    });
  }
  await Promise.all(members.map((member) => member.agent.server!.connected()));
  return members;
}

interface HaltSamples {
  /** Submission until every member has recorded the stop. */
  all: number[];
  /** Submission until the first member has recorded it. */
  first: number[];
}

async function fleetHaltSamples(submitTo: ControlPlaneServer, members: readonly Member[]): Promise<HaltSamples> {
  const samples: HaltSamples = { all: [], first: [] };
  for (let run = 0; run < runs + 3; run++) {
    const stop = signOrder({ principal: 'alice', privateKey: alice.privateKey, agent: 'group:fleet', kind: 'stop' });
    const start = performance.now();
    const all = Promise.all(members.map((member) => member.accepted(stop.id)));
    await submitEnvelope(submitTo.url, JSON.stringify(stop));
    await all;
    const elapsed = performance.now() - start;
    for (const member of members) {
      if (member.agent.authorityState().stopped === null) throw new Error('an agent did not stop');
    }
    // The first runs warm up the JIT and the connections.
    if (run >= 3) {
      samples.all.push(elapsed);
      samples.first.push(firstAccepted.get(stop.id)! - start);
    }
    firstAccepted.clear();
  }
  return samples;
}

async function closeMembers(members: readonly Member[]) {
  await Promise.all(members.map((member) => member.agent.close()));
}

const bench: Bench = async (report) => {
  const folder = mkdtempSync(join(tmpdir(), 'heed-server-bench-'));
  try {
    {
      const server = await serveControlPlane({ stateDir: join(folder, 'embedded'), port: 0 });
      const members = await joinMembers([server], agentCount, 'agent');
      const samples = await fleetHaltSamples(server, members);
      report({
        name: 'server.fleet_halt_p99_ms',
        value: Number(percentile(samples.all, 0.99).toFixed(1)),
        unit: 'ms',
        p50: Number(percentile(samples.all, 0.5).toFixed(1)),
        first_agent_p50: Number(percentile(samples.first, 0.5).toFixed(1)),
        load: loadNow(),
        agents: agentCount,
        runs,
        setup: 'in-process agents, each with its own SSE stream over loopback; node:sqlite store',
        target: 250,
      });

      // Orders per second: 20 agents, signed lease orders 64 in flight, each submitted, routed, verified, recorded.
      const few = members.slice(0, 20);
      const count = 4000;
      const orders = Array.from({ length: count }, (_, index) =>
        signOrder({
          principal: 'alice',
          privateKey: alice.privateKey,
          agent: `agent-${index % few.length}`,
          kind: 'lease',
        }),
      );
      const throughStart = performance.now();
      for (let next = 0; next < count; next += 64) {
        await Promise.all(
          orders.slice(next, next + 64).map((order) => submitEnvelope(server.url, JSON.stringify(order))),
        );
      }
      await Promise.all(orders.map((order, index) => few[index % few.length]!.accepted(order.id)));
      const throughServer = count / ((performance.now() - throughStart) / 1000);
      const direct = Array.from({ length: count }, (_, index) =>
        signOrder({
          principal: 'alice',
          privateKey: alice.privateKey,
          agent: `agent-${index % few.length}`,
          kind: 'lease',
        }),
      );
      const directStart = performance.now();
      for (let next = 0; next < count; next += 64) {
        await Promise.all(
          direct
            .slice(next, next + 64)
            .map((order, offset) => few[(next + offset) % few.length]!.agent.deliverRecorded(order)),
        );
      }
      const inProcess = count / ((performance.now() - directStart) / 1000);
      report({
        name: 'server.orders_per_s',
        value: Math.round(throughServer),
        unit: 'orders/s',
        baseline_in_process_orders_per_s: Math.round(inProcess),
        load: loadNow(),
        setup:
          'signed lease orders over HTTP, 64 in flight, to 20 agents; each stored, streamed, verified and recorded',
      });
      await closeMembers(members);
      await server.close();
    }

    const schema = `heed_server_bench_${process.pid}`;
    const client = new pg.Client({ connectionString: postgresTestUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
    } catch (error) {
      report({
        name: 'server.fleet_halt_cross_replica_p99_ms',
        value: Number.NaN,
        unit: 'ms',
        skipped: `no PostgreSQL at ${postgresTestUrl}: ${(error as Error).message}`,
      });
      return;
    }
    const replicas: ControlPlaneServer[] = [];
    let members: Member[] = [];
    try {
      replicas.push(await serveControlPlane({ stateDir: folder, databaseUrl: postgresTestUrl, schema, port: 0 }));
      replicas.push(await serveControlPlane({ stateDir: folder, databaseUrl: postgresTestUrl, schema, port: 0 }));
      members = await joinMembers(replicas, agentCount, 'replicated');
      const samples = await fleetHaltSamples(replicas[0]!, members);
      report({
        name: 'server.fleet_halt_cross_replica_p99_ms',
        value: Number(percentile(samples.all, 0.99).toFixed(1)),
        unit: 'ms',
        p50: Number(percentile(samples.all, 0.5).toFixed(1)),
        first_agent_p50: Number(percentile(samples.first, 0.5).toFixed(1)),
        load: loadNow(),
        agents: agentCount,
        runs,
        setup:
          'in-process agents over loopback, half on each of two replicas in this process sharing PostgreSQL; stop submitted to the first',
        target: 400,
      });
    } finally {
      // Agents and replicas first: a replica still running would write to the schema being dropped.
      await closeMembers(members);
      for (const replica of replicas) await replica.close();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

export default bench;
