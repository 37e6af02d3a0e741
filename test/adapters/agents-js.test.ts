// heed/agents-js: OpenAI Agents JS's own run loop against heed's fake model server over HTTP, its tools guarded.
import { Agent, OpenAIChatCompletionsModel, run, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardAgent, RunHaltedError } from '../../src/adapters/agents-js/index.ts';
import { InvalidInputError } from '../../src/core/heed-error.ts';
import type { FakeModelServer } from '../../src/providers/fake-model/fake-model-server.ts';
import {
  approve,
  clock,
  Effects,
  heedOptions,
  injected,
  nextEvent,
  recordEvents,
  signOrder,
  slowJob,
  startModel,
  stop,
  tasks,
  testCharter,
  waitFor,
} from './framework-fixture.ts';

setTracingDisabled(true);

let server: FakeModelServer;
beforeAll(async () => {
  server = await startModel();
});
afterAll(() => server.close());

function frameworkAgent(effects: Effects, options: { ignoresSignal?: boolean } = {}) {
  const model = new OpenAIChatCompletionsModel(
    new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 }),
    'obedient',
  );
  return new Agent({
    name: 'assistant',
    instructions: 'You help with the reports.',
    model,
    tools: [
      tool({
        name: 'read_report',
        description: 'Read the quarterly report',
        parameters: z.object({ quarter: z.string() }),
        execute: async () => {
          effects.add('read_report');
          return 'Revenue is up 12%.';
        },
      }),
      tool({
        name: 'send_email',
        description: 'Send an email',
        parameters: z.object({ to: z.string(), subject: z.string(), body: z.string() }),
        execute: async ({ to, body }) => {
          effects.add(`send_email ${to}: ${body}`);
          return `sent to ${to}`;
        },
      }),
      tool({
        name: 'edit_own_prompt',
        description: 'Edit the assistant prompt',
        parameters: z.object({ text: z.string() }),
        execute: async () => {
          effects.add('edit_own_prompt');
          return 'edited';
        },
      }),
      tool({
        name: 'slow_job',
        description: 'Run the nightly job',
        parameters: z.object({ name: z.string() }),
        execute: (_input, _context, details) => slowJob(effects, details?.signal, options.ignoresSignal ?? false),
      }),
      tool({
        name: 'read_inbox',
        description: 'Read the inbox',
        parameters: z.object({ folder: z.string() }),
        execute: async () => {
          effects.add('read_inbox');
          return injected;
        },
      }),
    ],
  });
}

/** The text each tool call's result showed the model, in order. */
function toolOutputs(history: unknown[]): string[] {
  return history
    .filter(
      (item): item is { type: string; output: { text: string } } =>
        (item as { type?: string }).type === 'function_call_result',
    )
    .map((item) => item.output.text);
}

describe('heed/agents-js', () => {
  it('runs an allowed tool through the framework loop and logs it', async () => {
    const effects = new Effects();
    const guarded = await guardAgent(frameworkAgent(effects), heedOptions(server));
    const events = recordEvents(guarded.heed);
    const result = await guarded.run(tasks.read);
    expect(effects.log).toEqual(['read_report']);
    expect(toolOutputs(result.history)).toEqual(['Revenue is up 12%.']);
    expect(String(result.finalOutput)).toContain('Revenue is up 12%.');
    expect(events.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['policy-decision', 'tool-call-start', 'tool-call-end', 'screening-verdict']),
    );
    await guarded.close();
  });

  it('refuses a forbidden tool, and the model sees the refusal', async () => {
    const effects = new Effects();
    const guarded = await guardAgent(frameworkAgent(effects), heedOptions(server));
    const result = await guarded.run(tasks.forbidden);
    expect(effects.log).toEqual([]);
    expect(toolOutputs(result.history)[0]).toMatch(/^Denied by policy: .*self-modifying/);
    await guarded.close();
  });

  it('holds a check until a signed approval names the exact action, then runs that action once', async () => {
    const effects = new Effects();
    const guarded = await guardAgent(frameworkAgent(effects), heedOptions(server));
    const requested = nextEvent(guarded.heed, 'check-requested');
    const running = guarded.run(tasks.email);
    const check = await requested;
    expect(effects.log).toEqual([]);
    expect(check.data.prediction).toEqual(expect.any(String));
    // An approval of another action, a forged one and an unsigned claim change nothing.
    const other = approve('0'.repeat(64));
    expect(guarded.heed.deliver(other).accepted).toBe(true);
    expect(guarded.heed.deliver(approve(String(check.data.action), 'mallory')).accepted).toBe(false);
    const tampered = { ...approve('0'.repeat(64)), body: { action: check.data.action } };
    expect(guarded.heed.deliver(tampered).accepted).toBe(false);
    expect(guarded.heed.deliver({ kind: 'approve', body: { action: check.data.action } }).accepted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(effects.log).toEqual([]);
    expect(guarded.heed.deliver(approve(String(check.data.action))).accepted).toBe(true);
    const result = await running;
    expect(effects.log).toEqual(['send_email carol@example.com: Revenue is up']);
    expect(toolOutputs(result.history)).toEqual(['sent to carol@example.com']);
    await guarded.close();
  });

  it('denies a checked action nobody approves before the check expires', async () => {
    const effects = new Effects();
    const charter = testCharter({ policy: { checkTimeout: '200ms' } });
    const guarded = await guardAgent(frameworkAgent(effects), heedOptions(server, charter));
    const result = await guarded.run(tasks.email);
    expect(effects.log).toEqual([]);
    expect(toolOutputs(result.history)[0]).toMatch(/no principal answered the check/);
    await guarded.close();
  });

  it('screens an injected tool result before the model sees it', async () => {
    const effects = new Effects();
    const guarded = await guardAgent(frameworkAgent(effects), heedOptions(server));
    const events = recordEvents(guarded.heed);
    const result = await guarded.run(tasks.inbox);
    expect(effects.log).toEqual(['read_inbox']);
    const shown = toolOutputs(result.history)[0]!;
    expect(shown).not.toContain('attacker@evil.example');
    expect(events.find((entry) => entry.type === 'screening-verdict')?.data.verdict).toBe('flag');
    await guarded.close();
  });

  it('a verified stop mid-tool aborts the framework run and the tool', async () => {
    const effects = new Effects();
    const guarded = await guardAgent(frameworkAgent(effects), heedOptions(server));
    const running = guarded.run(tasks.slow);
    await waitFor(() => effects.log.includes('slow_job started'));
    expect(guarded.heed.deliver(signOrder('stop', {}, { clock, principal: 'mallory' })).accepted).toBe(false);
    expect(guarded.heed.deliver(stop()).accepted).toBe(true);
    const error = await running.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunHaltedError);
    expect((error as RunHaltedError).halt.reason).toBe('stop');
    expect(effects.log).toEqual(['slow_job started', 'slow_job aborted']);
    expect(guarded.signal.aborted).toBe(true);
    // Nothing runs after the stop, through the framework or heed.
    const after = await guarded.heed.callTool({ id: 'late', name: 'read_report', arguments: '{"quarter":"1"}' });
    expect(after.outcome).toBe('halted');
    expect(effects.log).not.toContain('read_report');
    await guarded.close();
  });

  it('abandons a tool that ignores its signal at the grace deadline; its late result never reaches the model', async () => {
    const effects = new Effects();
    const guarded = await guardAgent(frameworkAgent(effects, { ignoresSignal: true }), heedOptions(server));
    const events = recordEvents(guarded.heed);
    const running = guarded.run(tasks.slow);
    await waitFor(() => effects.log.includes('slow_job started'));
    guarded.heed.deliver(stop());
    await expect(running).rejects.toBeInstanceOf(RunHaltedError);
    const requests = server.stats.requests;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(events.find((entry) => entry.type === 'halt')?.data.abandoned).toEqual(['tool-1']);
    // Without isolation a JavaScript function that ignores its signal runs on: heed only stops waiting for it.
    expect(effects.log).toEqual(['slow_job started', 'slow_job wrote']);
    expect(server.stats.requests).toBe(requests);
    await guarded.close();
  });

  it("streams with the framework's own run, and a stop ends the stream", async () => {
    const effects = new Effects();
    const guarded = await guardAgent(frameworkAgent(effects), heedOptions(server));
    const streamed = await run(guarded.agent, tasks.slow, { stream: true, signal: guarded.signal });
    const consumed = (async () => {
      for await (const _event of streamed);
      await streamed.completed;
    })();
    await waitFor(() => effects.log.includes('slow_job started'));
    expect(guarded.heed.deliver(stop()).accepted).toBe(true);
    await consumed.catch(() => undefined);
    expect(effects.log).toEqual(['slow_job started', 'slow_job aborted']);
    expect(guarded.heed.status().halt?.reason).toBe('stop');
    await guarded.close();
  });

  it('refuses tools it cannot see and impacts that do not fit', async () => {
    const effects = new Effects();
    const agent = frameworkAgent(effects);
    const { edit_own_prompt: _dropped, ...partial } = heedOptions(server).impacts;
    await expect(guardAgent(agent, { ...heedOptions(server), impacts: partial })).rejects.toThrow(
      /impacts.edit_own_prompt is missing/,
    );
    await expect(
      guardAgent(agent, {
        ...heedOptions(server),
        impacts: { ...heedOptions(server).impacts, read_report: 'reading' as never },
      }),
    ).rejects.toThrow(/impacts.read_report is 'reading'/);
    await expect(
      guardAgent(agent, { ...heedOptions(server), impacts: { ...heedOptions(server).impacts, nope: 'read' } }),
    ).rejects.toThrow(/impacts names 'nope'/);
    const withHandoff = agent.clone({ handoffs: [new Agent({ name: 'helper' })] });
    await expect(guardAgent(withHandoff, heedOptions(server))).rejects.toThrow(InvalidInputError);
    await expect(guardAgent(withHandoff, heedOptions(server))).rejects.toThrow(/the handoff 'helper'/);
  });
});
