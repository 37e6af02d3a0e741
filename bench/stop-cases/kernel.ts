// heed's kernel in the stop harness (bench/stop.bench.ts): each kind of tool run by an agent that createAgent
// wires, stopped by a signed stop 300 ms after the tool started; beside it the same tool run bare with an
// AbortController ('node'). Tools that honour or ignore their signal also run in a worker ('heed-kernel-worker')
// and the cooperative one in heed's own thread ('heed-kernel-in-process'). The baseline of process isolation,
// 'node-process', runs the tool that honours its signal bare in a child process, stopped with SIGTERM and settled
// when the child says the tool ended: the least a stop that crosses a process costs on this machine, without heed's
// verification or its confirming that nothing of the call still runs. A run that has not settled 2 s after
// the stop (an unguarded tool whose child never exits) counts as settling at 2 s (ten graces: a bound, not a figure).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createEnvelope, signEnvelope } from '../../src/authority/sign-envelope.ts';
import { parseCharter } from '../../src/charter/load-charter.ts';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { createAgent } from '../../src/kernel/create-agent.ts';
import { type IsolationMode, isolatedTool } from '../../src/kernel/isolation/isolated-tool.ts';
import type { Tool } from '../../src/kernel/tool.ts';
import { ControlPlaneGuard } from '../../src/kernel/tools/control-plane-guard.ts';
import { ShellSandbox } from '../../src/kernel/tools/shell-sandbox.ts';
import { createShellTool } from '../../src/kernel/tools/shell-tool.ts';
import { createScriptedProvider } from '../../src/providers/scripted/scripted-provider.ts';
import { killMarkedProcesses, markedProcesses, newMarker } from '../../test/helpers/marked-processes.ts';
import type { StopCase, StopCaseKind, StopTrial } from './stop-case.ts';

const graceMs = 200;
const stopAfterMs = 300;
/** The tools write their effect a second after they start; looked for a little later. */
const effectDueMs = 1300;
/** An unguarded run whose tool never returns (its child waits forever) counts as settling at this bound. */
const settleLimitMs = 2000;
const owner = generateKeyPair();
const charter = parseCharter({
  agent: 'stop-bench',
  target: 'if-ranked',
  principals: [{ id: 'alice', key: owner.publicKeyText, roles: ['owner'] }],
  stop: { grace: `${graceMs}ms` },
});
const toolsModule = new URL('../../test/fixtures/stop-tools/stop-tools.ts', import.meta.url);
const bareProcess = new URL('../../test/fixtures/stop-tools/bare-process.ts', import.meta.url);
const exports: Record<Exclude<StopCaseKind, 'builtin-shell'>, string> = {
  'tool-honours-signal': 'honoursSignal',
  'tool-ignores-signal': 'ignoresSignal',
  'plain-spawn': 'plainSpawn',
  'spawn-with-signal': 'spawnWithSignal',
};
const inputSchema = {
  type: 'object',
  properties: { dir: { type: 'string' }, marker: { type: 'string' } },
  required: ['dir', 'marker'],
};

function order(kind: 'task' | 'stop' | 'approve', body: Record<string, unknown>) {
  const unsigned = createEnvelope({ agent: 'stop-bench', kind, body, ttlMs: 3_600_000, now: Date.now() });
  return signEnvelope(unsigned, { principal: 'alice', privateKey: owner.privateKey });
}

interface TrialInput {
  dir: string;
  marker: string;
}

/** One started run: `settled` resolves (never rejects) when the system says the run or call is over. */
interface Started {
  settled: Promise<unknown>;
  stop(): void;
  /** Releases what the run holds (an agent's stores), after the measurement. */
  close?(): Promise<void>;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 1) {
    if (waited > 30_000) throw new Error(`stop bench: timed out waiting for ${what}`);
    await sleep(1);
  }
}

/** Starts a run, stops it 300 ms after its tool started, and looks at what outlived the stop. */
async function trial(begin: (input: TrialInput) => Promise<Started>): Promise<StopTrial> {
  const dir = mkdtempSync(join(tmpdir(), 'heed-stop-bench-'));
  // The built-in shell runs commands as an unprivileged user when heed is root: it must be able to write here.
  if (process.getuid?.() === 0) chownSync(dir, 65_534, 65_534);
  const input = { dir, marker: newMarker() };
  let started: Started | undefined;
  try {
    started = await begin(input);
    await until(() => existsSync(join(dir, 'started')), 'the tool to start');
    const startedAt = performance.now();
    await sleep(stopAfterMs);
    const stopAt = performance.now();
    started.stop();
    const limit = new AbortController();
    await Promise.race([
      started.settled,
      sleep(settleLimitMs, undefined, { signal: limit.signal }).catch(() => undefined),
    ]);
    limit.abort();
    const settleMs = Math.min(performance.now() - stopAt, settleLimitMs);
    await sleep(Math.max(0, stopAt + graceMs + 20 - performance.now()));
    const alive = markedProcesses(input.marker);
    await sleep(Math.max(0, startedAt + effectDueMs - performance.now()));
    return {
      sideEffectAfterStop: existsSync(join(dir, 'effect')),
      childrenAlive: alive.children.length,
      grandchildrenAlive: alive.grandchildren.length,
      settleMs,
    };
  } finally {
    await started?.close?.();
    killMarkedProcesses(input.marker);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An agent whose model asks for one call of `tool`; a check it raises is approved by the owner's signed order. */
async function kernelRun(
  tools: Tool[],
  call: { name: string; arguments: Record<string, unknown> },
  workspace?: string,
): Promise<Started> {
  const agent = await createAgent({
    charter,
    instructions: 'stop bench',
    provider: createScriptedProvider({ turns: [{ toolCalls: [call] }, { text: 'done' }] }),
    tools,
    screening: false,
    ...(workspace === undefined ? {} : { workspace, shell: true }),
  });
  agent.deliver(order('task', { text: 'run the tool' }));
  let running = agent.run();
  let first: Awaited<typeof running> | undefined;
  void running.then((step) => {
    first = step;
  });
  // Either the tool starts, or the run stops first at a check (the shell's unclassified commands).
  await until(
    () => first !== undefined || existsSync(join(String(call.arguments.dir ?? workspace), 'started')),
    'the run',
  );
  if (first?.type === 'check') {
    agent.deliver(order('approve', { action: first.action }));
    running = agent.run();
  }
  // Signed beforehand: the stop arrives as an envelope, and the figure is heed's, not the signer's.
  const stop = order('stop', {});
  return { settled: running, stop: () => agent.deliver(stop), close: () => agent.close() };
}

function isolated(kind: keyof typeof exports, isolation: IsolationMode): Tool {
  return isolatedTool({
    name: 'bench_tool',
    description: 'A tool of the stop harness.',
    inputSchema,
    impact: 'write',
    module: toolsModule,
    export: exports[kind],
    isolation,
  });
}

function shellCommand(input: TrialInput): string {
  const grandchild = `trap '' TERM; sleep 1; echo late > effect; exec sleep 1000.${input.marker}`;
  return `: heed-child-${input.marker}; sh -c "${grandchild}" heed-grandchild-${input.marker} & echo > started; wait`;
}

/** The built-in shell tool, as the 'node' baseline calls it bare (its sandbox as `createBuiltinTools` builds it). */
async function bareShell(workspace: string): Promise<Tool<{ command: string }>> {
  const guard = new ControlPlaneGuard({ protectedPaths: [] });
  const isolation = await ShellSandbox.detect({ workspace, guard });
  return createShellTool({ isolation, workspace, protectedPaths: [] });
}

export default async function kernelStopCases(): Promise<StopCase[]> {
  const cases: StopCase[] = [];
  const kinds = Object.keys(exports) as Array<keyof typeof exports>;
  for (const kind of kinds) {
    cases.push({
      system: 'heed-kernel',
      kind,
      trial: () =>
        trial((input) => kernelRun([isolated(kind, 'process')], { name: 'bench_tool', arguments: { ...input } })),
    });
  }
  for (const kind of ['tool-honours-signal', 'tool-ignores-signal'] as const) {
    cases.push({
      system: 'heed-kernel-worker',
      kind,
      trial: () =>
        trial((input) => kernelRun([isolated(kind, 'worker')], { name: 'bench_tool', arguments: { ...input } })),
    });
  }
  const functions = (await import(toolsModule.href)) as Record<
    string,
    (input: TrialInput, context: { signal: AbortSignal }) => Promise<string>
  >;
  cases.push({
    system: 'heed-kernel-in-process',
    kind: 'tool-honours-signal',
    trial: () =>
      trial((input) => {
        const cooperative: Tool = {
          name: 'bench_tool',
          description: 'A tool of the stop harness that honours its signal.',
          inputSchema,
          impact: 'write',
          cooperative: true,
          run: (toolInput, { signal }) => functions.honoursSignal!(toolInput as unknown as TrialInput, { signal }),
        };
        return kernelRun([cooperative], { name: 'bench_tool', arguments: { ...input } });
      }),
  });
  cases.push({
    system: 'heed-kernel',
    kind: 'builtin-shell',
    trial: () =>
      trial((input) => kernelRun([], { name: 'shell', arguments: { command: shellCommand(input) } }, input.dir)),
  });
  for (const kind of kinds) {
    cases.push({
      system: 'node',
      kind,
      trial: () =>
        trial(async (input) => {
          const controller = new AbortController();
          const settled = functions[exports[kind]]!(input, { signal: controller.signal }).catch(() => undefined);
          return { settled, stop: () => controller.abort() };
        }),
    });
  }
  cases.push({
    system: 'node-process',
    kind: 'tool-honours-signal',
    trial: () =>
      trial(async (input) => {
        const child = spawn(
          process.execPath,
          [fileURLToPath(bareProcess), exports['tool-honours-signal'], JSON.stringify(input)],
          {
            stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
          },
        );
        const settled = once(child, 'message').catch(() => undefined);
        return { settled, stop: () => child.kill('SIGTERM') };
      }),
  });
  cases.push({
    system: 'node',
    kind: 'builtin-shell',
    trial: () =>
      trial(async (input) => {
        const shell = await bareShell(input.dir);
        const controller = new AbortController();
        const settled = shell
          .run({ command: shellCommand(input) }, { signal: controller.signal, registerProcessGroup: () => undefined })
          .catch(() => undefined);
        return { settled, stop: () => controller.abort() };
      }),
  });
  return cases;
}
