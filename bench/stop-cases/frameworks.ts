// Stop cases for OpenAI Agents JS and the AI SDK, each alone (stopped with its own abort signal: the baseline) and
// under heed's guard (stopped with a signed stop order), with the frameworks' own loops calling heed's fake model
// server over HTTP. The tool is a job that writes a file after `toolMs` (in `plain-spawn`, a shell and its background
// subshell do, started with a plain spawn); the stop comes `stopAfterMs` into it. Beside the guarded closures (the
// cooperative opt-out), '+heed-isolated' runs the same kinds of work from test/fixtures/stop-tools isolated in a
// process (`isolate`), the model calling the tool with the trial's folder and process marker.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { Agent, tool as agentsTool, OpenAIChatCompletionsModel, run, setTracingDisabled } from '@openai/agents';
import { tool as aiTool, generateText, isStepCount } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import { guardAgent } from '../../src/adapters/agents-js/index.ts';
import { guardTools } from '../../src/adapters/ai-sdk/index.ts';
import { registerProcessGroup } from '../../src/adapters/framework-guard.ts';
import { signOrder } from '../../src/authority/sign-envelope.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { isExited, readProcessStat } from '../../src/kernel/process/process-stat.ts';
import type { FakeBehaviour } from '../../src/providers/fake-model/fake-behaviour.ts';
import { startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { killMarkedProcesses, markedProcesses, newMarker } from '../../test/helpers/marked-processes.ts';
import type { StopCase, StopCaseKind, StopTrial } from './stop-case.ts';

const toolMs = 1000;
const stopAfterMs = 300;
const task = 'Use slow_job now.';
const systems = ['agents-js', 'agents-js+heed', 'ai-sdk', 'ai-sdk+heed'] as const;
const kinds = [
  'tool-honours-signal',
  'tool-ignores-signal',
  'plain-spawn',
  'spawn-with-signal',
] as const satisfies readonly StopCaseKind[];
const graceMs = 200;

setTracingDisabled(true);
const principal = generateKeyPair();
const charter = {
  agent: 'bench-agent',
  target: 'if-ranked' as const,
  principals: [{ id: 'alice', key: principal.publicKeyText, roles: ['owner'] }],
  stop: { grace: `${graceMs}ms` },
};

/** One framework run with one stop: how it starts, and how the stop is given. */
interface Harness {
  running: Promise<unknown>;
  stop(): void;
  close(): Promise<void>;
}

/**
 * The job: `tool-honours-signal` ends when its signal aborts, `tool-ignores-signal` writes its file whatever happens,
 * `plain-spawn` starts a shell whose background subshell writes it, and waits for the shell. `spawn-with-signal` does
 * the same with the signal, in a process group of its own that it registers with heed (a no-op without heed): the
 * same code in every system.
 */
function job(file: string, kind: (typeof kinds)[number], started: () => void) {
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const processes: { child: number | undefined } = { child: undefined };
  const body = async (signal: AbortSignal | undefined): Promise<string> => {
    started();
    try {
      if (kind === 'plain-spawn' || kind === 'spawn-with-signal') {
        const script = `(sleep ${toolMs / 1000}; echo written > "$1") & wait`;
        const child =
          kind === 'plain-spawn'
            ? spawn('sh', ['-c', script, 'job', file], { stdio: 'ignore' })
            : spawn('sh', ['-c', script, 'job', file], {
                stdio: 'ignore',
                detached: true,
                ...(signal === undefined ? {} : { signal }),
              });
        processes.child = child.pid;
        if (kind === 'spawn-with-signal' && child.pid !== undefined) registerProcessGroup(child.pid);
        // An aborted spawn emits 'error' before 'exit'.
        await once(child, 'exit').catch(() => once(child, 'exit'));
        return 'done';
      }
      await delay(toolMs, undefined, kind === 'tool-honours-signal' && signal !== undefined ? { signal } : {});
      writeFileSync(file, 'written');
      return 'done';
    } finally {
      finish();
    }
  };
  return { body, done, processes };
}

function childrenOf(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Running, not a zombie waiting for a parent (here often PID 1) to reap it. */
function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  const stat = readProcessStat(pid);
  return stat !== undefined && !isExited(stat);
}

async function harness(
  system: (typeof systems)[number],
  baseURL: string,
  body: (signal: AbortSignal | undefined) => Promise<string>,
): Promise<Harness> {
  const heedOptions = {
    charter,
    model: 'openai:obedient',
    baseUrl: baseURL,
    apiKey: 'unused',
    screening: false,
    impacts: { slow_job: 'write' as const },
  };
  // Signed beforehand: the stop arrives as an envelope, and the figure is heed's, not the signer's.
  const stopOrder = signOrder({
    agent: 'bench-agent',
    kind: 'stop',
    principal: 'alice',
    privateKey: principal.privateKey,
  });
  if (system.startsWith('agents-js')) {
    const model = new OpenAIChatCompletionsModel(new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 }), 'obedient');
    const slowJob = agentsTool({
      name: 'slow_job',
      description: 'Run the nightly job',
      parameters: z.object({ name: z.string() }),
      execute: (_input, _context, details) => body(details?.signal),
    });
    const agent = new Agent({ name: 'bench', instructions: 'Do the job.', model, tools: [slowJob] });
    if (system === 'agents-js') {
      const controller = new AbortController();
      return {
        running: run(agent, task, { signal: controller.signal }),
        stop: () => controller.abort(),
        close: async () => undefined,
      };
    }
    const guarded = await guardAgent(agent, heedOptions);
    return { running: guarded.run(task), stop: () => guarded.heed.deliver(stopOrder), close: () => guarded.close() };
  }
  const model = createOpenAICompatible({ name: 'fake', baseURL, apiKey: 'unused' }).chatModel('obedient');
  const tools = {
    slow_job: aiTool({
      description: 'Run the nightly job',
      inputSchema: z.object({ name: z.string() }),
      execute: (_input, { abortSignal }) => body(abortSignal),
    }),
  };
  const generate = (toolSet: typeof tools, abortSignal: AbortSignal) =>
    generateText({ model, tools: toolSet, prompt: task, stopWhen: isStepCount(3), abortSignal, maxRetries: 0 });
  if (system === 'ai-sdk') {
    const controller = new AbortController();
    return {
      running: generate(tools, controller.signal),
      stop: () => controller.abort(),
      close: async () => undefined,
    };
  }
  const guarded = await guardTools(tools, heedOptions);
  return {
    running: generate(guarded.tools, guarded.signal),
    stop: () => guarded.heed.deliver(stopOrder),
    close: () => guarded.close(),
  };
}

async function trial(system: (typeof systems)[number], kind: (typeof kinds)[number]): Promise<StopTrial> {
  const folder = mkdtempSync(join(tmpdir(), 'heed-stop-frameworks-'));
  const server = await startFakeModelServer({ behaviour: 'obedient' });
  try {
    const file = join(folder, 'effect');
    let markStarted = (): void => undefined;
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const { body, done, processes } = job(file, kind, markStarted);
    const subject = await harness(system, server.url, body);
    const settled = subject.running.then(
      () => undefined,
      () => undefined,
    );
    await started;
    const startedAt = performance.now();
    await delay(stopAfterMs);
    const grandchildren = childrenOf(processes.child);
    const stoppedAt = performance.now();
    subject.stop();
    // Who is alive at grace + 20 ms after the stop, however long the run takes to settle.
    const census = delay(graceMs + 20).then(() => ({
      childrenAlive: alive(processes.child) ? 1 : 0,
      grandchildrenAlive: grandchildren.filter(alive).length,
    }));
    await settled;
    const settleMs = performance.now() - stoppedAt;
    const { childrenAlive, grandchildrenAlive } = await census;
    // Whatever a JavaScript tool does after the stop has happened once its body has returned; a subprocess's
    // background work, once its time is up.
    await done;
    if (kind === 'plain-spawn' || kind === 'spawn-with-signal') {
      await delay(Math.max(0, startedAt + toolMs + 100 - performance.now()));
    }
    await subject.close();
    return { sideEffectAfterStop: existsSync(file), childrenAlive, grandchildrenAlive, settleMs };
  } finally {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

const stopTools = new URL('../../test/fixtures/stop-tools/stop-tools.ts', import.meta.url);
const isolatedKinds = {
  'tool-honours-signal': 'honoursSignal',
  'tool-ignores-signal': 'ignoresSignal',
  'plain-spawn': 'plainSpawn',
} as const;
type IsolatedKind = keyof typeof isolatedKinds;
const trialModel = 'calls-slow-job';

/** A model that calls slow_job once with `input`, then answers in text (asked for by the name `trialModel`). */
function callsSlowJob(input: { dir: string; marker: string }): FakeBehaviour {
  return {
    name: trialModel,
    summary: 'Calls slow_job with the trial input, then says it is done.',
    timing: { latencyMs: 0, stallMs: 0 },
    respond: (messages) =>
      messages.at(-1)?.role === 'tool'
        ? { text: 'done', toolCalls: [] }
        : { text: '', toolCalls: [{ name: 'slow_job', arguments: { ...input } }] },
  };
}

/** The framework's loop with slow_job's work isolated in a process, stopped by a signed stop order. */
async function isolatedTrial(framework: 'agents-js' | 'ai-sdk', kind: IsolatedKind): Promise<StopTrial> {
  const dir = mkdtempSync(join(tmpdir(), 'heed-stop-frameworks-'));
  const input = { dir, marker: newMarker() };
  const server = await startFakeModelServer({ behaviour: callsSlowJob(input) });
  const parameters = z.object({ dir: z.string(), marker: z.string() });
  const unused = async (): Promise<string> => 'never called: the isolated module does the work';
  const options = {
    charter,
    model: 'openai:obedient',
    baseUrl: server.url,
    apiKey: 'unused',
    screening: false,
    impacts: { slow_job: 'write' as const },
    isolate: { slow_job: { module: stopTools, export: isolatedKinds[kind] } },
  };
  const stopOrder = signOrder({
    agent: 'bench-agent',
    kind: 'stop',
    principal: 'alice',
    privateKey: principal.privateKey,
  });
  let subject: {
    running: Promise<unknown>;
    heed: { deliver(order: typeof stopOrder): unknown };
    close(): Promise<void>;
  };
  if (framework === 'agents-js') {
    const model = new OpenAIChatCompletionsModel(
      new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 }),
      trialModel,
    );
    const slowJob = agentsTool({ name: 'slow_job', description: 'Run the nightly job', parameters, execute: unused });
    const guarded = await guardAgent(
      new Agent({ name: 'bench', instructions: 'Do the job.', model, tools: [slowJob] }),
      options,
    );
    subject = { running: guarded.run(task), heed: guarded.heed, close: () => guarded.close() };
  } else {
    const model = createOpenAICompatible({ name: 'fake', baseURL: server.url, apiKey: 'unused' }).chatModel(trialModel);
    const guarded = await guardTools(
      { slow_job: aiTool({ description: 'Run the nightly job', inputSchema: parameters, execute: unused }) },
      options,
    );
    const running = generateText({
      model,
      tools: guarded.tools,
      prompt: task,
      stopWhen: isStepCount(3),
      abortSignal: guarded.signal,
      maxRetries: 0,
    });
    subject = { running, heed: guarded.heed, close: () => guarded.close() };
  }
  try {
    const settled = subject.running.then(
      () => undefined,
      () => undefined,
    );
    for (let waited = 0; !existsSync(join(dir, 'started')); waited += 1) {
      if (waited > 30_000) throw new Error('stop bench: timed out waiting for the isolated tool to start');
      await delay(1);
    }
    const startedAt = performance.now();
    await delay(stopAfterMs);
    const stoppedAt = performance.now();
    subject.heed.deliver(stopOrder);
    const census = delay(graceMs + 20).then(() => markedProcesses(input.marker));
    await settled;
    const settleMs = performance.now() - stoppedAt;
    const alive = await census;
    await delay(Math.max(0, startedAt + toolMs + 300 - performance.now()));
    return {
      sideEffectAfterStop: existsSync(join(dir, 'effect')),
      childrenAlive: alive.children.length,
      grandchildrenAlive: alive.grandchildren.length,
      settleMs,
    };
  } finally {
    await subject.close();
    await server.close();
    killMarkedProcesses(input.marker);
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function frameworkStopCases(): Promise<StopCase[]> {
  const cases: StopCase[] = systems.flatMap((system) =>
    kinds.map((kind) => ({ system, kind, trial: () => trial(system, kind) })),
  );
  for (const framework of ['agents-js', 'ai-sdk'] as const) {
    for (const kind of Object.keys(isolatedKinds) as IsolatedKind[]) {
      cases.push({ system: `${framework}+heed-isolated`, kind, trial: () => isolatedTrial(framework, kind) });
    }
  }
  return cases;
}
