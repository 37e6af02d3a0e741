// server.fleet_halt_p99_ms: 1,000 agents in this process, each joined to `heed serve` over loopback HTTP (its own SSE
// stream); one signed group stop submitted; time until every agent has verified it, stopped and committed it to its
// audit log. HEED_BENCH_AGENT_THREADS=N runs the agents in N worker threads beside the server's instead (agents are
// processes of their own in a deployment; on a machine with cores to spare this is closer to one, on a busy two-core
// one the threads only compete). Each run starts as soon as the last ends, with its shipments still arriving, as first
// measured; HEED_BENCH_QUIET=1 starts each run once every agent has shipped its log instead (a real stop meets agents
// at work, not agents still shipping the last stop's entries). The figures name both choices in `setup` and
// `between_runs`.
// server.fleet_halt_cross_replica_p99_ms: the same on PostgreSQL with two replicas, half the agents on each, the stop
// submitted to one. server.orders_per_s: signed orders submitted over HTTP, each routed, verified and recorded by its
// agent (20 agents on the server's thread), against the same orders delivered in process (the baseline).
// server.pending_checks_ms: `GET /agents/:id/checks` for an agent with 100,000 shipped entries, against a scan of its
// whole log (the baseline).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { AuditEntry } from '../src/audit/audit-event.ts';
import { signOrder } from '../src/authority/sign-envelope.ts';
import { generateKeyPair } from '../src/core/ed25519.ts';
import { type Agent, createAgent } from '../src/kernel/create-agent.ts';
import { agentRegistrationSchema } from '../src/kernel/fleet/fleet-protocol.ts';
import { createOpenAiCompatibleProvider } from '../src/providers/openai/openai-compatible-provider.ts';
import { type ControlPlaneServer, serveControlPlane } from '../src/server/serve-server.ts';
import { callServer, loginToServer, submitEnvelope } from '../src/server/server-client.ts';
import { postgresTestUrl } from '../test/helpers/postgres.ts';
import {
  type FleetMembersData,
  type FleetMembersMessage,
  type FleetMembersRequest,
  joinFleetMembers,
  sharedNow,
} from './fleet-members.ts';
import { percentile } from './measure.ts';
import type { Bench } from './run.ts';

const alice = generateKeyPair();
/** The machine's one-minute load average: these figures share the CPU with whatever else runs. */
const loadNow = () => Number(loadavg()[0]!.toFixed(2));
const agentCount = Number(process.env.HEED_BENCH_AGENTS ?? 1000);
const runs = Number(process.env.HEED_BENCH_RUNS ?? 30);
/** The first runs warm up the JIT (in each agent thread, if any) and the connections. */
const warmUpRuns = 5;
const quietBetweenRuns = process.env.HEED_BENCH_QUIET === '1';
const agentThreads = Number(process.env.HEED_BENCH_AGENT_THREADS ?? 0);
if (!Number.isInteger(agentThreads) || agentThreads < 0) {
  throw new Error(
    `HEED_BENCH_AGENT_THREADS '${process.env.HEED_BENCH_AGENT_THREADS}' must be a whole number, 0 or more`,
  );
}

interface Member {
  agent: Agent;
  /** Resolves when this agent has recorded the acceptance of the order with this id. */
  accepted: (id: string) => Promise<void>;
}

/** Agents on the bench's own thread (the orders figure's): each tells when it recorded an order's acceptance. */
async function joinMembers(server: ControlPlaneServer, count: number, prefix: string): Promise<Member[]> {
  const members: Member[] = [];
  const provider = createOpenAiCompatibleProvider({ model: 'unused', baseUrl: 'http://127.0.0.1:9/v1' });
  for (let index = 0; index < count; index++) {
    const agent = await createAgent({
      charter: {
        agent: `${prefix}-${index}`,
        target: 'if-ranked',
        principals: [{ id: 'alice', key: alice.publicKeyText, roles: ['owner'] }],
      },
      provider,
      screening: false,
      server: server.url,
    });
    const waiting = new Map<string, () => void>();
    const seen = new Set<string>();
    agent.onEvent((entry: AuditEntry) => {
      if (entry.type !== 'order-accepted') return;
      const id = entry.data.id as string;
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

/** The group `fleet`, split in shares, one per agent thread (or one on the bench's own thread). */
interface Fleet {
  /** Resolves when every share has recorded order `id`, with when the first agent did. */
  accepted: (id: string) => Promise<{ firstAt: number }>;
  /** Resolves when every agent has shipped all it has recorded. */
  ship: () => Promise<void>;
  close: () => Promise<void>;
}

async function joinFleet(servers: readonly ControlPlaneServer[], count: number, prefix: string): Promise<Fleet> {
  const shares = Math.max(1, agentThreads);
  const waiting = new Map<string, { left: number; firstAt: number; done: (firstAt: number) => void }>();
  const hear = (message: FleetMembersMessage) => {
    if (message.type !== 'accepted') return;
    if (!message.stopped) throw new Error(`an agent did not stop on order ${message.id}`);
    const wait = waiting.get(message.id);
    if (wait === undefined) return;
    wait.left -= 1;
    wait.firstAt = Math.min(wait.firstAt, message.firstAt);
    if (wait.left === 0) {
      waiting.delete(message.id);
      wait.done(wait.firstAt);
    }
  };
  const shippers: Array<() => Promise<void>> = [];
  const closers: Array<() => Promise<void>> = [];
  const joined: Array<Promise<void>> = [];
  for (let share = 0; share < shares; share++) {
    const data: FleetMembersData = {
      servers: servers.map((server) => server.url),
      prefix,
      indices: Array.from({ length: count }, (_, index) => index).filter((index) => index % shares === share),
      principalKey: alice.publicKeyText,
    };
    if (agentThreads === 0) {
      const members = await joinFleetMembers(data, hear);
      shippers.push(members.ship);
      closers.push(members.close);
      continue;
    }
    const worker = new Worker(new URL('./fleet-members.ts', import.meta.url), { workerData: data });
    const ready = Promise.withResolvers<void>();
    const closed = Promise.withResolvers<void>();
    let shipped: PromiseWithResolvers<void> | undefined;
    worker.on('message', (message: FleetMembersMessage) => {
      if (message.type === 'joined') ready.resolve();
      else if (message.type === 'shipped') shipped?.resolve();
      else if (message.type === 'closed') closed.resolve();
      else hear(message);
    });
    const ask = (request: FleetMembersRequest) => worker.postMessage(request);
    worker.once('error', (error) => {
      ready.reject(error);
      closed.reject(error);
    });
    joined.push(ready.promise);
    shippers.push(async () => {
      shipped = Promise.withResolvers<void>();
      ask('ship');
      await shipped.promise;
    });
    closers.push(async () => {
      ask('close');
      await closed.promise;
      await worker.terminate();
    });
  }
  await Promise.all(joined);
  return {
    // Asked before the order is submitted, so no share can have recorded it yet.
    accepted: (id) =>
      new Promise((resolve) => {
        waiting.set(id, { left: shares, firstAt: Number.POSITIVE_INFINITY, done: (firstAt) => resolve({ firstAt }) });
      }),
    ship: async () => void (await Promise.all(shippers.map((ship) => ship()))),
    close: async () => void (await Promise.all(closers.map((close) => close()))),
  };
}

interface HaltSamples {
  /** Submission until every member has recorded the stop. */
  all: number[];
  /** Submission until the first member has recorded it. */
  first: number[];
}

async function fleetHaltSamples(submitTo: ControlPlaneServer, fleet: Fleet): Promise<HaltSamples> {
  const samples: HaltSamples = { all: [], first: [] };
  for (let run = 0; run < runs + warmUpRuns; run++) {
    // With HEED_BENCH_QUIET=1, a run starts once every agent has shipped what it recorded.
    if (quietBetweenRuns) await fleet.ship();
    const stop = signOrder({ principal: 'alice', privateKey: alice.privateKey, agent: 'group:fleet', kind: 'stop' });
    const start = sharedNow();
    const all = fleet.accepted(stop.id);
    await submitEnvelope(submitTo.url, JSON.stringify(stop));
    const { firstAt } = await all;
    const elapsed = sharedNow() - start;
    if (run >= warmUpRuns) {
      samples.all.push(elapsed);
      samples.first.push(firstAt - start);
    }
  }
  return samples;
}

/**
 * `GET /agents/:id/checks` for an agent that shipped `entryCount` entries (model turns, policy decisions, tool calls)
 * with one check open near the end: the median of 20 calls, beside a scan of the agent's whole log for the types a
 * pending check is derived from (what each call cost before the store indexed entries by type).
 */
async function pendingChecksFigure(server: ControlPlaneServer, report: Parameters<Bench>[0]): Promise<void> {
  const agent = 'checks-bench';
  const entryCount = 100_000;
  await server.store.registerAgent(
    agentRegistrationSchema.parse({
      agent,
      publicKey: null,
      charterHash: 'a'.repeat(64),
      groups: [],
      principals: [{ id: 'alice', key: alice.publicKeyText, roles: ['owner'] }],
      runId: 'run-checks-bench',
    }),
    new Date().toISOString(),
  );
  const kinds = ['model-call-end', 'policy-decision', 'tool-call-start', 'tool-call-end'] as const;
  const entry = (seq: number, type: string, data: Record<string, unknown>) => ({
    seq,
    at: new Date().toISOString(),
    agent,
    type,
    data,
    prev: '0'.repeat(64),
    hash: String(seq).padStart(64, '0'),
  });
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
  for (let from = 1; from <= entryCount; from += 5000) {
    const entries = [];
    for (let seq = from; seq < from + 5000 && seq <= entryCount; seq += 1) {
      if (seq === entryCount - 10) {
        entries.push(
          entry(seq, 'check-requested', {
            call: 'c',
            tool: 'pay',
            action: 'a'.repeat(64),
            input: {},
            prediction: 'pays',
            expiresAt,
          }),
        );
      } else {
        entries.push(
          entry(seq, kinds[seq % kinds.length]!, {
            call: `c${seq}`,
            text: 'thinking',
            toolCalls: [{ id: `c${seq}` }],
            decision: 'allow',
          }),
        );
      }
    }
    await server.store.addAgentEventShipments([{ agent, entries, seen: { at: new Date().toISOString() } }]);
  }
  const token = await loginToServer(server.url, 'alice', alice.privateKey);
  const timings: number[] = [];
  for (let call = 0; call < 20; call += 1) {
    const start = performance.now();
    const checks = await callServer<{ checks: unknown[] }>(server.url, `/agents/${agent}/checks`, { token });
    timings.push(performance.now() - start);
    if (checks.checks.length !== 1) throw new Error(`expected one open check, got ${checks.checks.length}`);
  }
  // Before the type index, each call scanned the agent's whole log and kept the entries of these types.
  const wanted = new Set(['check-requested', 'check-answered', 'policy-decision', 'model-call-end']);
  const wholeStart = performance.now();
  let kept = 0;
  for (let after = 0; ; ) {
    const page = await server.store.readAgentEvents(agent, after, 5000);
    kept += page.filter((event) => wanted.has(String(event.entry.type))).length;
    if (page.length < 5000) break;
    after = page.at(-1)!.seq;
  }
  report({
    name: 'server.pending_checks_ms',
    value: Number(percentile(timings, 0.5).toFixed(2)),
    unit: 'ms',
    baseline_scan_whole_log_ms: Number((performance.now() - wholeStart).toFixed(1)),
    entries_of_those_types: kept,
    load: loadNow(),
    setup: `GET /agents/:id/checks, one agent with ${entryCount} shipped entries and one open check; node:sqlite store`,
  });
}

const betweenRuns = quietBetweenRuns ? 'every agent shipped its log' : 'back to back';
const fleetSetup =
  agentThreads === 0
    ? "in-process agents on the server's thread"
    : `in-process agents in ${agentThreads} worker thread${agentThreads === 1 ? '' : 's'} beside the server's`;

const bench: Bench = async (report) => {
  const folder = mkdtempSync(join(tmpdir(), 'heed-server-bench-'));
  try {
    {
      const server = await serveControlPlane({ stateDir: join(folder, 'embedded'), port: 0 });
      const fleet = await joinFleet([server], agentCount, 'agent');
      const samples = await fleetHaltSamples(server, fleet);
      report({
        name: 'server.fleet_halt_p99_ms',
        value: Number(percentile(samples.all, 0.99).toFixed(1)),
        unit: 'ms',
        p50: Number(percentile(samples.all, 0.5).toFixed(1)),
        first_agent_p50: Number(percentile(samples.first, 0.5).toFixed(1)),
        load: loadNow(),
        agents: agentCount,
        runs,
        between_runs: betweenRuns,
        setup: `${fleetSetup}, each with its own SSE stream over loopback; node:sqlite store`,
        target: 250,
      });

      // Orders per second: 20 agents, signed lease orders 64 in flight, each submitted, routed, verified, recorded.
      const few = await joinMembers(server, 20, 'orders');
      const count = 4000;
      const orders = Array.from({ length: count }, (_, index) =>
        signOrder({
          principal: 'alice',
          privateKey: alice.privateKey,
          agent: `orders-${index % few.length}`,
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
          agent: `orders-${index % few.length}`,
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
      await Promise.all(few.map((member) => member.agent.close()));
      await fleet.close();
      await pendingChecksFigure(server, report);
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
    let fleet: Fleet | undefined;
    try {
      replicas.push(await serveControlPlane({ stateDir: folder, databaseUrl: postgresTestUrl, schema, port: 0 }));
      replicas.push(await serveControlPlane({ stateDir: folder, databaseUrl: postgresTestUrl, schema, port: 0 }));
      fleet = await joinFleet(replicas, agentCount, 'replicated');
      const samples = await fleetHaltSamples(replicas[0]!, fleet);
      report({
        name: 'server.fleet_halt_cross_replica_p99_ms',
        value: Number(percentile(samples.all, 0.99).toFixed(1)),
        unit: 'ms',
        p50: Number(percentile(samples.all, 0.5).toFixed(1)),
        first_agent_p50: Number(percentile(samples.first, 0.5).toFixed(1)),
        load: loadNow(),
        agents: agentCount,
        runs,
        between_runs: betweenRuns,
        setup: `${fleetSetup}, over loopback, half on each of two replicas in this process sharing PostgreSQL; stop submitted to the first`,
        target: 400,
      });
    } finally {
      // Agents and replicas first: a replica still running would write to the schema being dropped.
      await fleet?.close();
      for (const replica of replicas) await replica.close();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

export default bench;
