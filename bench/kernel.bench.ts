// kernel.stop_to_quiescence_p99_ms (tool honouring abort), kernel.stop_to_quiescence_subprocess_p99_ms (a
// subprocess ignoring SIGTERM; target grace + 20 ms), kernel.step_overhead_p99_ms (verify and journal an order +
// policy + screen 4 KB in the screening worker + audit append per step against a zero-latency model), each with a
// baseline in the same run, and kernel.stop_during_adversarial_screening_p99_ms (a stop while 64 KB worst-case inputs
// are being screened). Agents are built with createAgent, as heed run builds them.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditStore } from '../src/audit/audit-event.ts';
import { openSqliteAuditStore } from '../src/audit/sqlite/sqlite-audit-store.ts';
import type { Envelope } from '../src/authority/envelope.ts';
import { createEnvelope, signEnvelope } from '../src/authority/sign-envelope.ts';
import type { AuthorityStore } from '../src/authority/store/authority-store.ts';
import { openSqliteAuthorityStore } from '../src/authority/store/sqlite-authority-store.ts';
import type { Charter } from '../src/charter/charter-schema.ts';
import { parseCharter } from '../src/charter/load-charter.ts';
import { generateKeyPair } from '../src/core/ed25519.ts';
import { type CreateAgentOptions, createAgent } from '../src/kernel/create-agent.ts';
import type { KernelScreener } from '../src/kernel/kernel-ports.ts';
import type { Tool } from '../src/kernel/tool.ts';
import type { Provider, StepResult } from '../src/providers/provider.ts';
import { createScreener } from '../src/screening/screener.ts';
import { createScreeningPool } from '../src/screening/screening-pool.ts';
import { worstCaseInputs } from '../test/security/fixtures/worst-case-inputs.ts';
import { percentile } from './measure.ts';
import type { Bench } from './run.ts';

const owner = generateKeyPair();

function charterWith(grace: string): Charter {
  return parseCharter({
    agent: 'bench-agent',
    target: 'if-ranked',
    principals: [{ id: 'alice', key: owner.publicKeyText, roles: ['owner'] }],
    stop: { grace },
  });
}

function order(kind: 'task' | 'stop' | 'lease', body: Record<string, unknown>): Envelope {
  const unsigned = createEnvelope({ agent: 'bench-agent', kind, body, ttlMs: 3_600_000, now: Date.now() });
  return signEnvelope(unsigned, { principal: 'alice', privateKey: owner.privateKey });
}

const usage = { inputTokens: 1, outputTokens: 1 };

/** A model with no latency that always asks for the same tool call. */
function loopingModel(tool: string, onCall: () => void = () => undefined): Provider {
  return {
    id: 'bench:looping',
    step: async (): Promise<StepResult> => {
      onCall();
      return { text: '', toolCalls: [{ id: 'c', name: tool, arguments: '{}' }], usage, finishReason: 'tool-calls' };
    },
  };
}

/** An agent as createAgent wires it, in memory unless `extra` gives stores; screening only where asked. */
function kernelFor(charter: Charter, provider: Provider, tools: Tool[], extra: Partial<CreateAgentOptions> = {}) {
  return createAgent({
    charter,
    instructions: 'bench',
    provider,
    tools,
    screening: false,
    maxSteps: 1_000_000,
    ...extra,
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(1);
}

async function stopToQuiescence(iterations: number): Promise<{ kernel: number[]; baseline: number[] }> {
  const charter = charterWith('2s');
  const waitTool: Tool = {
    name: 'wait',
    description: 'waits',
    inputSchema: { type: 'object' },
    impact: 'read',
    run: async (_input, { signal }) => {
      await sleep(60_000, undefined, { signal });
      return 'done';
    },
  };
  const kernel: number[] = [];
  const baseline: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const agent = await kernelFor(charter, loopingModel('wait'), [waitTool]);
    agent.deliver(order('task', { text: 'wait' }));
    const stop = order('stop', {});
    const running = agent.run();
    await until(() => agent.status().inFlight.some((call) => call.kind === 'tool'));
    const start = performance.now();
    agent.deliver(stop);
    await running;
    kernel.push(performance.now() - start);

    // Baseline: the same tool aborted directly, with no kernel, no verification and no audit log.
    const controller = new AbortController();
    const direct = waitTool.run({}, { signal: controller.signal, registerProcessGroup: () => undefined });
    await sleep(1);
    const directStart = performance.now();
    controller.abort();
    await direct.catch(() => undefined);
    baseline.push(performance.now() - directStart);
  }
  return { kernel, baseline };
}

async function stopSubprocess(iterations: number, graceMs: number): Promise<number[]> {
  const charter = charterWith(`${graceMs}ms`);
  const worker: Tool = {
    name: 'worker',
    description: 'starts a process that ignores SIGTERM',
    inputSchema: { type: 'object' },
    impact: 'read',
    run: (_input, { registerProcessGroup }) =>
      new Promise((resolve) => {
        const child = spawn('/bin/sh', ['-c', "trap '' TERM; sleep 60"], { detached: true, stdio: 'ignore' });
        if (child.pid !== undefined) registerProcessGroup(child.pid);
        child.once('exit', () => resolve('exited'));
      }),
  };
  const samples: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const agent = await kernelFor(charter, loopingModel('worker'), [worker]);
    agent.deliver(order('task', { text: 'work' }));
    const stop = order('stop', {});
    const running = agent.run();
    await until(() => agent.status().inFlight.some((call) => call.kind === 'tool'));
    await sleep(5);
    const start = performance.now();
    agent.deliver(stop);
    await running;
    samples.push(performance.now() - start);
  }
  return samples;
}

/** One run of `leases.length - 1` steps; returns each step's duration after the first. */
async function timedRun(
  charter: Charter,
  stores: { audit: AuditStore; authorityStore: AuthorityStore },
  tool: Tool,
  leases: Envelope[],
  screener: KernelScreener,
): Promise<number[]> {
  const steps = leases.length - 1;
  const starts: number[] = [];
  let agent: Awaited<ReturnType<typeof kernelFor>> | undefined;
  // Each step: one verified order (a lease renewal) journalled in the state store, one model turn, one policy
  // decision, one tool call whose 4 KB result is screened, and their audit appends to sqlite: as heed run does.
  const provider = loopingModel(tool.name, () => {
    starts.push(performance.now());
    agent?.deliver(leases[starts.length - 1]!);
    if (starts.length > steps) void agent?.halt('cancelled', 'bench done');
  });
  agent = await kernelFor(charter, provider, [tool], {
    ...stores,
    screening: screener,
    graceMs: 0,
  });
  agent.deliver(order('task', { text: 'read' }));
  await agent.run();
  return starts.slice(2).map((start, index) => start - starts[index + 1]!);
}

/** `screening: 'worker'` is how heed runs; 'inline' screens on the kernel's own thread, to show the worker's cost. */
async function stepOverhead(
  runs: number,
  steps: number,
  screening: 'worker' | 'inline',
): Promise<{ kernel: number[]; baseline: number[] }> {
  const folder = mkdtempSync(join(tmpdir(), 'heed-kernel-bench-'));
  const charter = charterWith('2s');
  const output = 'The quarterly report lists revenue by region. '.repeat(90).slice(0, 4096);
  const tool: Tool = {
    name: 'read',
    description: 'reads',
    inputSchema: { type: 'object' },
    impact: 'read',
    run: async () => output,
  };
  const database = join(folder, 'heed.db');
  const stores = {
    audit: openSqliteAuditStore({ path: database, agent: 'bench-agent' }),
    authorityStore: openSqliteAuthorityStore(database),
  };
  // The principal signs its orders beforehand: signing is the principal's work, not the kernel's, and its garbage
  // would otherwise be collected during the measured steps. The first runs warm the code up and are not counted.
  const warmupRuns = 10;
  const leases = Array.from({ length: warmupRuns + runs }, () =>
    Array.from({ length: steps + 1 }, () => order('lease', {})),
  );
  const pool =
    screening === 'worker'
      ? createScreeningPool({ screener: { thresholds: charter.screening.thresholds } })
      : undefined;
  const screener = pool ?? createScreener({ thresholds: charter.screening.thresholds });
  const kernel: number[] = [];
  for (let run = 0; run < warmupRuns + runs; run++) {
    const durations = await timedRun(charter, stores, tool, leases[run]!, screener);
    if (run >= warmupRuns) kernel.push(...durations);
  }
  await pool?.close();
  await stores.audit.close();
  stores.authorityStore.close();
  rmSync(folder, { recursive: true, force: true });

  // Baseline: the same model and tool called directly in a loop, with nothing checked or recorded.
  const provider = loopingModel(tool.name);
  const baseline: number[] = [];
  let previous = performance.now();
  for (let index = 0; index < runs * steps; index++) {
    await provider.step([], [], { signal: undefined });
    await tool.run({}, { signal: new AbortController().signal, registerProcessGroup: () => undefined });
    const now = performance.now();
    baseline.push(now - previous);
    previous = now;
  }
  return { kernel, baseline };
}

/**
 * The machine's own tail: a fixed CPU workload sized like the kernel's median step, run as many times with the
 * same turn of the event loop between runs. Its p99 over its median is what scheduling alone does to a p99.
 */
async function fixedWork(samples: number, medianMs: number): Promise<number[]> {
  let block = Buffer.alloc(4096, 7);
  const hashOnce = (): void => {
    block = createHash('sha256').update(block).digest().length === 32 ? block : Buffer.alloc(4096);
  };
  const calibrationStart = performance.now();
  for (let index = 0; index < 2000; index++) hashOnce();
  const perHashMs = (performance.now() - calibrationStart) / 2000;
  const hashes = Math.max(1, Math.round(medianMs / perHashMs));
  const durations: number[] = [];
  let previous = performance.now();
  for (let index = 0; index < samples; index++) {
    for (let hash = 0; hash < hashes; hash++) hashOnce();
    await new Promise((resolve) => setImmediate(resolve));
    const now = performance.now();
    durations.push(now - previous);
    previous = now;
  }
  return durations;
}

/**
 * A tool returns one of the 64 KB worst-case inputs; while the screening worker has it, a stop is delivered. The
 * time is from the stop's delivery to the run's halt. The baseline screens the same inputs in the same worker.
 */
async function stopDuringScreening(iterations: number): Promise<{ stop: number[]; screening: number[] }> {
  const charter = charterWith('2s');
  const pool = createScreeningPool({ deadlineMs: 30_000 });
  const stop: number[] = [];
  const screening: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const input = worstCaseInputs[index % worstCaseInputs.length]!.text;
    const reader: Tool = {
      name: 'read',
      description: 'reads',
      inputSchema: { type: 'object' },
      impact: 'read',
      run: async () => input,
    };
    let stopAt = 0;
    let agent: Awaited<ReturnType<typeof kernelFor>> | undefined;
    const stopOrder = order('stop', {});
    agent = await kernelFor(charter, loopingModel('read'), [reader], {
      screening: {
        screen: (text, options) => {
          const verdict = pool.screen(text, options);
          setImmediate(() => {
            stopAt = performance.now();
            agent?.deliver(stopOrder);
          });
          return verdict;
        },
      },
    });
    agent.deliver(order('task', { text: 'read' }));
    await agent.run();
    stop.push(performance.now() - stopAt);
    const screeningStart = performance.now();
    await pool.screen(input, { provenance: 'tool' });
    screening.push(performance.now() - screeningStart);
  }
  await pool.close();
  return { stop, screening };
}

const bench: Bench = async (report) => {
  const adversarial = await stopDuringScreening(worstCaseInputs.length * 6);
  report({
    name: 'kernel.stop_during_adversarial_screening_p99_ms',
    value: percentile(adversarial.stop, 0.99),
    unit: 'ms',
    samples: adversarial.stop.length,
    target: 20,
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
  });
  report({
    name: 'kernel.adversarial_screening_p99_ms',
    value: percentile(adversarial.screening, 0.99),
    unit: 'ms',
    note: 'the same 64 KB worst-case inputs screened in the worker: how long a stop would have waited on the old loop',
  });
  const stop = await stopToQuiescence(200);
  report({
    name: 'kernel.stop_to_quiescence_p99_ms',
    value: percentile(stop.kernel, 0.99),
    unit: 'ms',
    samples: stop.kernel.length,
    target: 5,
  });
  report({
    name: 'kernel.stop_to_quiescence_baseline_p99_ms',
    value: percentile(stop.baseline, 0.99),
    unit: 'ms',
    note: 'the tool aborted directly, no kernel',
  });
  const graceMs = 100;
  const subprocess = await stopSubprocess(20, graceMs);
  report({
    name: 'kernel.stop_to_quiescence_subprocess_p99_ms',
    value: percentile(subprocess, 0.99),
    unit: 'ms',
    graceMs,
    target: graceMs + 20,
    samples: subprocess.length,
  });
  const inline = await stepOverhead(100, 20, 'inline');
  const step = await stepOverhead(100, 20, 'worker');
  report({
    name: 'kernel.step_overhead_p99_ms',
    value: percentile(step.kernel, 0.99),
    unit: 'ms',
    median: percentile(step.kernel, 0.5),
    samples: step.kernel.length,
    target: 1,
  });
  const fixed = await fixedWork(step.kernel.length, percentile(step.kernel, 0.5));
  report({
    name: 'kernel.step_overhead_fixed_work_p99_ms',
    value: percentile(fixed, 0.99),
    unit: 'ms',
    median: percentile(fixed, 0.5),
    note: 'a fixed CPU workload sized like the median step: the tail this machine adds by itself',
  });
  report({
    name: 'kernel.step_overhead_inline_screening_p99_ms',
    value: percentile(inline.kernel, 0.99),
    unit: 'ms',
    median: percentile(inline.kernel, 0.5),
    note: 'the same steps with screening on the kernel thread: the difference is the screening worker round trip',
  });
  report({
    name: 'kernel.step_overhead_baseline_p99_ms',
    value: percentile(step.baseline, 0.99),
    unit: 'ms',
    note: 'model and tool called directly, nothing checked or recorded',
  });
};

export default bench;
