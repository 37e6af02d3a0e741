// heed/ai-sdk: the AI SDK's own generateText / streamText loop against heed's fake model server over HTTP, its
// tools guarded.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, isStepCount, jsonSchema, streamText, type ToolSet, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardTools, RunHaltedError, registerProcessGroup } from '../../src/adapters/ai-sdk/index.ts';
import { isExited, readProcessStat } from '../../src/kernel/process/process-stat.ts';
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

let server: FakeModelServer;
beforeAll(async () => {
  server = await startModel();
});
afterAll(() => server.close());

/** Whether any process of the group runs (zombies, dead but not yet reaped, do not count). */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(entry);
    if (stat?.pgrp === pgid && !isExited(stat)) return true;
  }
  return false;
}

function model() {
  return createOpenAICompatible({ name: 'fake', baseURL: server.url, apiKey: 'unused' }).chatModel('obedient');
}

function frameworkTools(effects: Effects, options: { ignoresSignal?: boolean } = {}) {
  return {
    read_report: tool({
      description: 'Read the quarterly report',
      inputSchema: z.object({ quarter: z.string() }),
      execute: async () => {
        effects.add('read_report');
        return { revenue: 'up 12%' };
      },
    }),
    send_email: tool({
      description: 'Send an email',
      inputSchema: jsonSchema<{ to: string; subject: string; body: string }>({
        type: 'object',
        properties: { to: { type: 'string' }, subject: { type: 'string' }, body: { type: 'string' } },
        required: ['to', 'subject', 'body'],
      }),
      execute: async ({ to, body }) => {
        effects.add(`send_email ${to}: ${body}`);
        return `sent to ${to}`;
      },
    }),
    edit_own_prompt: tool({
      description: 'Edit the assistant prompt',
      inputSchema: z.object({ text: z.string() }),
      execute: async () => {
        effects.add('edit_own_prompt');
        return 'edited';
      },
    }),
    slow_job: tool({
      description: 'Run the nightly job',
      inputSchema: z.object({ name: z.string() }),
      execute: (_input, { abortSignal }) => slowJob(effects, abortSignal, options.ignoresSignal ?? false),
    }),
    read_inbox: tool({
      description: 'Read the inbox',
      inputSchema: z.object({ folder: z.string() }),
      execute: async () => {
        effects.add('read_inbox');
        return injected;
      },
    }),
  };
}

type Guarded = Awaited<ReturnType<typeof guardTools<ReturnType<typeof frameworkTools>>>>;

function generate(guarded: Guarded, prompt: string) {
  return generateText({
    model: model(),
    tools: guarded.tools,
    prompt,
    stopWhen: isStepCount(5),
    abortSignal: guarded.signal,
    maxRetries: 0,
  }).catch((error: unknown) => {
    throw guarded.haltedError(error);
  });
}

/** What each tool call's result showed the model, in order. */
function toolOutputs(result: { steps: ReadonlyArray<{ toolResults: ReadonlyArray<{ output: unknown }> }> }): unknown[] {
  return result.steps.flatMap((step) => step.toolResults.map((toolResult) => toolResult.output));
}

describe('heed/ai-sdk', () => {
  it('runs an allowed tool through generateText and logs it', async () => {
    const effects = new Effects();
    const guarded = await guardTools(frameworkTools(effects), heedOptions(server));
    const events = recordEvents(guarded.heed);
    const result = await generate(guarded, tasks.read);
    expect(effects.log).toEqual(['read_report']);
    expect(toolOutputs(result)).toEqual(['{"revenue":"up 12%"}']);
    expect(result.text).toContain('up 12%');
    expect(events.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['policy-decision', 'tool-call-start', 'tool-call-end', 'screening-verdict']),
    );
    await guarded.close();
  });

  it('runs the same gate under streamText', async () => {
    const effects = new Effects();
    const guarded = await guardTools(frameworkTools(effects), heedOptions(server));
    const stream = streamText({
      model: model(),
      tools: guarded.tools,
      prompt: tasks.forbidden,
      stopWhen: isStepCount(5),
      abortSignal: guarded.signal,
    });
    const steps = await stream.steps;
    expect(effects.log).toEqual([]);
    expect(steps.flatMap((step) => step.toolResults.map((toolResult) => toolResult.output))[0]).toMatch(
      /^Denied by policy: .*self-modifying/,
    );
    await guarded.close();
  });

  it('refuses a forbidden tool, and the model sees the refusal', async () => {
    const effects = new Effects();
    const guarded = await guardTools(frameworkTools(effects), heedOptions(server));
    const result = await generate(guarded, tasks.forbidden);
    expect(effects.log).toEqual([]);
    expect(toolOutputs(result)[0]).toMatch(/^Denied by policy: .*self-modifying/);
    await guarded.close();
  });

  it('holds a check until a signed approval names the exact action, then runs that action once', async () => {
    const effects = new Effects();
    const guarded = await guardTools(frameworkTools(effects), heedOptions(server));
    const requested = nextEvent(guarded.heed, 'check-requested');
    const running = generate(guarded, tasks.email);
    const check = await requested;
    const action = String(check.data.action);
    expect(effects.log).toEqual([]);
    expect(guarded.heed.deliver(approve(action, 'mallory')).accepted).toBe(false);
    const forged = { ...approve('0'.repeat(64)), body: { action } };
    expect(guarded.heed.deliver(forged).accepted).toBe(false);
    expect(guarded.heed.deliver({ kind: 'approve', body: { action } }).accepted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(effects.log).toEqual([]);
    expect(guarded.heed.deliver(approve(action)).accepted).toBe(true);
    const result = await running;
    expect(effects.log).toEqual(['send_email carol@example.com: Revenue is up']);
    expect(toolOutputs(result)).toEqual(['sent to carol@example.com']);
    await guarded.close();
  });

  it('tells the model when a principal denies the checked action', async () => {
    const effects = new Effects();
    const charter = testCharter({ policy: { checkTimeout: '1s' } });
    const guarded = await guardTools(frameworkTools(effects), heedOptions(server, charter));
    const requested = nextEvent(guarded.heed, 'check-requested');
    const running = generate(guarded, tasks.email);
    const check = await requested;
    const deny = signOrder('deny', { action: check.data.action, reason: 'not today' }, { clock, principal: 'bob' });
    expect(guarded.heed.deliver(deny).accepted).toBe(true);
    const result = await running;
    expect(effects.log).toEqual([]);
    expect(toolOutputs(result)[0]).toMatch(/bob denied this action\. Reason: not today/);
    await guarded.close();
  });

  it('screens an injected tool result before the model sees it', async () => {
    const effects = new Effects();
    const guarded = await guardTools(frameworkTools(effects), heedOptions(server));
    const events = recordEvents(guarded.heed);
    const result = await generate(guarded, tasks.inbox);
    expect(effects.log).toEqual(['read_inbox']);
    expect(String(toolOutputs(result)[0])).not.toContain('attacker@evil.example');
    expect(events.find((entry) => entry.type === 'screening-verdict')?.data.verdict).toBe('flag');
    await guarded.close();
  });

  it('a verified stop mid-tool aborts generateText and the tool', async () => {
    const effects = new Effects();
    const guarded = await guardTools(frameworkTools(effects), heedOptions(server));
    const running = generate(guarded, tasks.slow);
    await waitFor(() => effects.log.includes('slow_job started'));
    expect(guarded.heed.deliver(stop()).accepted).toBe(true);
    const error = await running.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RunHaltedError);
    expect((error as RunHaltedError).halt.reason).toBe('stop');
    expect(effects.log).toEqual(['slow_job started', 'slow_job aborted']);
    const after = await guarded.heed.callTool({ id: 'late', name: 'read_report', arguments: '{"quarter":"1"}' });
    expect(after.outcome).toBe('halted');
    expect(effects.log).not.toContain('read_report');
    await guarded.close();
  });

  it('abandons a tool that ignores its signal at the grace deadline; no model call follows the stop', async () => {
    const effects = new Effects();
    const guarded = await guardTools(frameworkTools(effects, { ignoresSignal: true }), heedOptions(server));
    const events = recordEvents(guarded.heed);
    const running = generate(guarded, tasks.slow);
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

  it('ends the process group a tool registered: SIGTERM at the stop, SIGKILL after the grace', async () => {
    const started: number[] = [];
    const spawning = {
      run_script: tool({
        description: 'Run the build script',
        inputSchema: z.object({ name: z.string() }),
        execute: async () => {
          // A shell that ignores SIGTERM, with a background child of its own: only the group's SIGKILL ends both.
          const child = spawn('sh', ['-c', "trap '' TERM; sleep 30 & wait; wait"], { detached: true, stdio: 'ignore' });
          started.push(child.pid!);
          expect(registerProcessGroup(child.pid!)).toBe(true);
          await once(child, 'exit');
          return 'built';
        },
      }),
    };
    expect(registerProcessGroup(1234)).toBe(false);
    const guarded = await guardTools(spawning, { ...heedOptions(server), impacts: { run_script: 'write' } });
    const events = recordEvents(guarded.heed);
    const running = generateText({
      model: model(),
      tools: guarded.tools,
      prompt: 'Use run_script now.',
      stopWhen: isStepCount(3),
      abortSignal: guarded.signal,
    });
    await waitFor(() => started.length === 1);
    const pgid = started[0]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(groupAlive(pgid)).toBe(true);
    guarded.heed.deliver(stop());
    await expect(running).rejects.toThrow();
    await waitFor(() => events.some((entry) => entry.type === 'halt'));
    expect(events.find((entry) => entry.type === 'halt')?.data.killedProcessGroups).toEqual([{ pgid, gone: true }]);
    expect(groupAlive(pgid)).toBe(false);
    await guarded.close();
  });

  it('refuses tools that run elsewhere and impacts that do not fit', async () => {
    const effects = new Effects();
    const { send_email: _dropped, ...partial } = heedOptions(server).impacts;
    await expect(guardTools(frameworkTools(effects), { ...heedOptions(server), impacts: partial })).rejects.toThrow(
      /impacts.send_email is missing/,
    );
    const clientSide = { ask_user: tool({ description: 'Ask the user', inputSchema: z.object({ q: z.string() }) }) };
    await expect(
      guardTools(clientSide as unknown as ToolSet, {
        ...heedOptions(server, testCharter()),
        impacts: { ask_user: 'read' },
      }),
    ).rejects.toThrow(/'ask_user' runs elsewhere/);
  });
});
