// Framework tools run isolated (`isolate`) under heed/agents-js and heed/ai-sdk, through each framework's own loop
// against heed's fake model server over HTTP: a verified stop ends the tool's worker or process, so an effect the
// tool had not yet had never lands and no subprocess it started outlives the stop.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { Agent, tool as agentsTool, OpenAIChatCompletionsModel, setTracingDisabled } from '@openai/agents';
import { tool as aiTool, generateText, isStepCount, streamText, type ToolSet } from 'ai';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardAgent, RunHaltedError } from '../../src/adapters/agents-js/index.ts';
import { guardTools } from '../../src/adapters/ai-sdk/index.ts';
import type { AuditEntry } from '../../src/audit/audit-event.ts';
import type { Agent as HeedAgent } from '../../src/kernel/create-agent.ts';
import type { IsolationMode } from '../../src/kernel/isolation/isolated-tool.ts';
import type { FakeBehaviour } from '../../src/providers/fake-model/fake-behaviour.ts';
import { type FakeModelServer, startFakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import { killMarkedProcesses, markedProcesses, newMarker } from '../helpers/marked-processes.ts';
import { clock, recordEvents, signOrder, testCharter, waitFor } from './framework-fixture.ts';

setTracingDisabled(true);

const stopTools = new URL('../fixtures/stop-tools/stop-tools.ts', import.meta.url);
const folders: string[] = [];
const markers: string[] = [];
const servers: FakeModelServer[] = [];

afterEach(async () => {
  for (const marker of markers.splice(0)) killMarkedProcesses(marker);
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  for (const server of servers.splice(0)) await server.close();
});

/** The model name the frameworks ask for: the server answers it with the trial's behaviour. */
const trialModel = 'calls-slow-job';

interface TrialInput {
  dir: string;
  marker: string;
}

function trialInput(): TrialInput {
  const dir = mkdtempSync(join(tmpdir(), 'heed-isolated-framework-'));
  folders.push(dir);
  const marker = newMarker();
  markers.push(marker);
  return { dir, marker };
}

/** A model that calls slow_job once with the trial's input, then answers in text. */
async function modelCalling(input: TrialInput): Promise<FakeModelServer> {
  const behaviour: FakeBehaviour = {
    name: trialModel,
    summary: 'Calls slow_job with the trial input, then says it is done.',
    timing: { latencyMs: 0, stallMs: 0 },
    respond: (messages) =>
      messages.at(-1)?.role === 'tool'
        ? { text: 'done', toolCalls: [] }
        : { text: '', toolCalls: [{ name: 'slow_job', arguments: { ...input } }] },
  };
  const server = await startFakeModelServer({ behaviour });
  servers.push(server);
  return server;
}

const inputSchema = z.object({ dir: z.string(), marker: z.string() });
const notRunHere = async (): Promise<string> => {
  throw new Error('the isolated module runs slow_job, never this closure');
};

function options(server: FakeModelServer, exportName: string, isolation: IsolationMode) {
  return {
    charter: testCharter(),
    model: 'openai:obedient',
    baseUrl: server.url,
    apiKey: 'unused',
    clock,
    screening: false as const,
    impacts: { slow_job: 'write' as const },
    isolate: { slow_job: { module: stopTools, export: exportName, isolation } },
  };
}

/** Runs the framework's loop until the tool has started, stops heed, and reports what the stop left. */
async function stopDuringTool(
  input: TrialInput,
  guard: { heed: HeedAgent; running: Promise<unknown>; events: AuditEntry[] },
): Promise<{ error: unknown; events: AuditEntry[] }> {
  const { events } = guard;
  const settled = guard.running.then(
    () => undefined,
    (error: unknown) => error,
  );
  await waitFor(() => existsSync(join(input.dir, 'started')), 10_000);
  expect(guard.heed.deliver(signOrder('stop', { reason: 'test stop' }, { clock })).accepted).toBe(true);
  const error = await settled;
  // The halt is recorded once every isolated call in flight has settled: its worker or process is confirmed gone.
  await waitFor(() => events.some((entry) => entry.type === 'halt'), 10_000);
  return { error, events };
}

/** Waits until the effect would have landed (a second after the tool started) and looks. */
async function effectLanded(input: TrialInput): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 1300));
  return existsSync(join(input.dir, 'effect'));
}

function expectIsolatedHalt(events: AuditEntry[], isolation: IsolationMode): void {
  const start = events.find((entry) => entry.type === 'tool-call-start');
  expect(start?.data).toMatchObject({ tool: 'slow_job', execution: isolation });
  const halt = events.find((entry) => entry.type === 'halt');
  expect(halt?.data).toMatchObject({ reason: 'stop', abandoned: [] });
}

async function agentsJsRun(input: TrialInput, exportName: string, isolation: IsolationMode) {
  const server = await modelCalling(input);
  const model = new OpenAIChatCompletionsModel(
    new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 }),
    trialModel,
  );
  const agent = new Agent({
    name: 'worker',
    instructions: 'Run the job.',
    model,
    tools: [agentsTool({ name: 'slow_job', description: 'Run the job', parameters: inputSchema, execute: notRunHere })],
  });
  const guarded = await guardAgent(agent, options(server, exportName, isolation));
  const events = recordEvents(guarded.heed);
  return { guarded, events, running: guarded.run('Use slow_job now.') };
}

async function aiSdkRun(input: TrialInput, exportName: string, isolation: IsolationMode, stream: boolean) {
  const server = await modelCalling(input);
  const model = createOpenAICompatible({ name: 'fake', baseURL: server.url, apiKey: 'unused' }).chatModel(trialModel);
  const tools = { slow_job: aiTool({ description: 'Run the job', inputSchema, execute: notRunHere }) };
  const guarded = await guardTools(tools, options(server, exportName, isolation));
  const events = recordEvents(guarded.heed);
  const settings = {
    model,
    tools: guarded.tools,
    prompt: 'Use slow_job now.',
    stopWhen: isStepCount(3),
    abortSignal: guarded.signal,
    maxRetries: 0,
  };
  const running = stream
    ? (async () => {
        const result = streamText({ ...settings, onError: () => undefined });
        for await (const _part of result.fullStream);
        return await result.text;
      })()
    : generateText(settings);
  return {
    guarded,
    events,
    running: running.catch((error: unknown) => Promise.reject(guarded.haltedError(error))),
  };
}

describe('heed/agents-js with isolated tools', () => {
  for (const isolation of ['worker', 'process'] as const) {
    it(`${isolation}: a stop during a tool that ignores its signal: the framework run halts and the effect never lands`, async () => {
      const input = trialInput();
      const { guarded, running, events: recorded } = await agentsJsRun(input, 'ignoresSignal', isolation);
      const { error, events } = await stopDuringTool(input, { heed: guarded.heed, running, events: recorded });
      expect(error).toBeInstanceOf(RunHaltedError);
      expectIsolatedHalt(events, isolation);
      expect(await effectLanded(input)).toBe(false);
      await guarded.close();
    }, 20_000);
  }

  for (const exportName of ['plainSpawn', 'setsidSpawn']) {
    it(`process: a stop during ${exportName} leaves no child or grandchild once the halt is recorded`, async () => {
      const input = trialInput();
      const { guarded, running, events: recorded } = await agentsJsRun(input, exportName, 'process');
      await waitFor(() => markedProcesses(input.marker).grandchildren.length > 0, 10_000);
      const { error, events } = await stopDuringTool(input, { heed: guarded.heed, running, events: recorded });
      expect(error).toBeInstanceOf(RunHaltedError);
      expectIsolatedHalt(events, 'process');
      expect(markedProcesses(input.marker)).toEqual({ children: [], grandchildren: [] });
      expect(await effectLanded(input)).toBe(false);
      expect(markedProcesses(input.marker)).toEqual({ children: [], grandchildren: [] });
      await guarded.close();
    }, 20_000);
  }

  it('the cooperative opt-out beside it: the same work as a closure lands its effect after the stop', async () => {
    const input = trialInput();
    const server = await modelCalling(input);
    const { ignoresSignal } = (await import(stopTools.href)) as {
      ignoresSignal: (input: TrialInput) => Promise<string>;
    };
    const model = new OpenAIChatCompletionsModel(
      new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 }),
      trialModel,
    );
    const agent = new Agent({
      name: 'worker',
      instructions: 'Run the job.',
      model,
      tools: [
        agentsTool({ name: 'slow_job', description: 'Run the job', parameters: inputSchema, execute: ignoresSignal }),
      ],
    });
    const { isolate: _none, ...cooperative } = options(server, 'ignoresSignal', 'worker');
    const guarded = await guardAgent(agent, cooperative);
    const recorded = recordEvents(guarded.heed);
    const { error, events } = await stopDuringTool(input, {
      heed: guarded.heed,
      running: guarded.run('Go.'),
      events: recorded,
    });
    expect(error).toBeInstanceOf(RunHaltedError);
    expect(events.find((entry) => entry.type === 'tool-call-start')?.data).toMatchObject({ execution: 'in-process' });
    expect(await effectLanded(input)).toBe(true);
    await guarded.close();
  }, 20_000);
});

describe('heed/ai-sdk with isolated tools', () => {
  for (const [isolation, stream] of [
    ['worker', false],
    ['process', true],
  ] as const) {
    it(`${isolation}, ${stream ? 'streamText' : 'generateText'}: a stop during a tool that ignores its signal: the effect never lands`, async () => {
      const input = trialInput();
      const { guarded, running, events: recorded } = await aiSdkRun(input, 'ignoresSignal', isolation, stream);
      const { error, events } = await stopDuringTool(input, { heed: guarded.heed, running, events: recorded });
      expect(error).toBeInstanceOf(RunHaltedError);
      expectIsolatedHalt(events, isolation);
      expect(await effectLanded(input)).toBe(false);
      await guarded.close();
    }, 20_000);
  }

  it('process, generateText: a stop during a plain spawn leaves no child or grandchild once the halt is recorded', async () => {
    const input = trialInput();
    const { guarded, running, events: recorded } = await aiSdkRun(input, 'plainSpawn', 'process', false);
    await waitFor(() => markedProcesses(input.marker).grandchildren.length > 0, 10_000);
    const { error, events } = await stopDuringTool(input, { heed: guarded.heed, running, events: recorded });
    expect(error).toBeInstanceOf(RunHaltedError);
    expectIsolatedHalt(events, 'process');
    expect(markedProcesses(input.marker)).toEqual({ children: [], grandchildren: [] });
    expect(await effectLanded(input)).toBe(false);
    await guarded.close();
  }, 20_000);

  it('an isolated call that ends by itself gives the model its text; a tool without execute may be isolated', async () => {
    const input = trialInput();
    const server = await modelCalling(input);
    const model = createOpenAICompatible({ name: 'fake', baseURL: server.url, apiKey: 'unused' }).chatModel(trialModel);
    // A tool without execute is one the framework would hand back to the caller; isolated, heed runs it.
    const tools = { slow_job: aiTool({ description: 'Run the job', inputSchema }) } as unknown as ToolSet;
    const guarded = await guardTools(tools, options(server, 'spawnAndReturn', 'process'));
    const result = await generateText({ model, tools: guarded.tools, prompt: 'Go.', stopWhen: isStepCount(3) });
    expect(result.steps[0]?.toolResults[0]?.output).toBe('started in the background');
    // The call is over, so what it left running in the background was ended with its process.
    expect(markedProcesses(input.marker)).toEqual({ children: [], grandchildren: [] });
    await guarded.close();
  }, 20_000);

  it('refuses isolate entries that name no tool or have no module, and a module that is not a file', async () => {
    const input = trialInput();
    const server = await modelCalling(input);
    const tools = { slow_job: aiTool({ description: 'Run the job', inputSchema, execute: notRunHere }) };
    const base = options(server, 'ignoresSignal', 'worker');
    await expect(
      guardTools(tools, { ...base, isolate: { ...base.isolate, nope: { module: stopTools } } }),
    ).rejects.toThrow(/isolate names 'nope', which no guarded tool is called/);
    await expect(guardTools(tools, { ...base, isolate: { slow_job: {} as never } })).rejects.toThrow(
      /isolate.slow_job needs a module/,
    );
    await expect(guardTools(tools, { ...base, isolate: { slow_job: { module: './job.ts' } } })).rejects.toThrow(
      /must be a file URL or an absolute path/,
    );
    await expect(
      guardTools(tools, { ...base, isolate: { slow_job: { module: stopTools, isolation: 'thread' as never } } }),
    ).rejects.toThrow(/unknown isolation 'thread'/);
  });
});
