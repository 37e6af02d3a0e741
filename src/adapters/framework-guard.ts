// What the OpenAI Agents JS and AI SDK guards share: a heed agent (createAgent) whose tools are a framework's tools,
// and a call path that takes each of the framework's tool calls through the kernel's gate.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ImpactClass, impactClasses } from '../charter/charter-schema.ts';
import { HeedError, InvalidInputError } from '../core/heed-error.ts';
import { newId } from '../core/ids.ts';
import { mergeAbortSignals } from '../core/merge-abort-signals.ts';
import { type Agent, type CreateAgentOptions, createAgent } from '../kernel/create-agent.ts';
import type { GuardedToolResult } from '../kernel/guard-tool-call.ts';
import { type IsolationMode, isolatedTool } from '../kernel/isolation/isolated-tool.ts';
import type { HaltedStep } from '../kernel/next-step.ts';
import type { Tool, ToolRunContext } from '../kernel/tool.ts';

// The kernel's context of the guarded tool running now, for registerProcessGroup.
const runContexts = new AsyncLocalStorage<ToolRunContext>();

/**
 * Called inside a guarded tool that starts a subprocess in a process group of its own (`spawn(…, { detached: true
 * })`): a stop then sends the group SIGTERM, and SIGKILL once the charter's grace is over, so no descendant that stays
 * in the group outlives the stop. False outside a guarded tool call, where nothing is registered.
 */
export function registerProcessGroup(pgid: number): boolean {
  const context = runContexts.getStore();
  if (context === undefined) return false;
  context.registerProcessGroup(pgid);
  return true;
}

/**
 * How to build the heed agent that guards a framework's tools: createAgent's options (charter, state folder,
 * screening, control endpoint; `model` or `provider` is the model heed asks to predict a checked action's
 * outcome), less the built-in tools, plus each tool's impact class.
 */
export interface FrameworkGuardOptions extends Omit<CreateAgentOptions, 'tools' | 'workspace' | 'shell'> {
  /** Each guarded tool's DWIMAC impact class, by tool name; every tool needs one, and the charter's policy decides. */
  impacts: Readonly<Record<string, ImpactClass>>;
  /**
   * The tools whose work runs isolated, by tool name: the module and export that do it (as `isolatedTool` takes
   * them). Such a tool's `execute` is replaced by a call into a worker thread or a child process that a stop ends at
   * the grace deadline, with whatever it started. A tool not named here stays a cooperative closure, ended only
   * through its signal and the process groups it registers (the audit log's `tool-call-start` says which ran).
   */
  isolate?: Readonly<Record<string, IsolatedFrameworkTool>>;
}

/** Where an isolated framework tool's code is: it receives the call's input and `{ signal }`, not the framework's context. */
export interface IsolatedFrameworkTool {
  /** A file URL or an absolute path: `new URL('./send-mail.ts', import.meta.url)`. */
  module: string | URL;
  /** The export to call as `(input, { signal }) => string | Promise<string>` (default `default`). */
  export?: string;
  /** `process` (default): a child process whose descendants end with it; `worker`: a worker thread. */
  isolation?: IsolationMode;
}

/** One framework tool as heed sees it; `run` calls the framework's own tool with the call's framework context. */
export interface FrameworkToolSpec<Frame> {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  run(input: Record<string, unknown>, frame: Frame, signal: AbortSignal): Promise<unknown>;
}

export interface FrameworkGuard<Frame> {
  heed: Agent;
  /** Takes one tool call of the framework through the kernel's gate; `frame` reaches the tool's `run`. */
  call(
    call: { id: string | undefined; name: string; arguments: string },
    frame: Frame,
    signal: AbortSignal | undefined,
  ): Promise<GuardedToolResult>;
}

/** A guarded run ended because heed halted the agent (a verified stop, the lease, a failed audit write). */
export class RunHaltedError extends HeedError {
  readonly halt: { reason: HaltedStep['reason']; detail: string };

  constructor(halt: { reason: HaltedStep['reason']; detail: string }, options?: { cause?: unknown }) {
    super('halted', `heed halted the run (${halt.reason}): ${halt.detail}`, options);
    this.halt = halt;
  }
}

/** The error a framework's run ended with, as a RunHaltedError when heed's halt is what ended it. */
export function haltedRunError(heed: Agent, error: unknown): unknown {
  const halt = heed.status().halt;
  return heed.signal.aborted && halt !== null ? new RunHaltedError(halt, { cause: error }) : error;
}

export async function createFrameworkGuard<Frame>(
  specs: readonly FrameworkToolSpec<Frame>[],
  options: FrameworkGuardOptions,
): Promise<FrameworkGuard<Frame>> {
  const { impacts, isolate = {}, ...agentOptions } = options;
  const names = specs.map((spec) => spec.name);
  checkImpacts(names, impacts);
  checkIsolated(names, isolate);
  // The framework's context for the call being run: async context carries it from `call` to the tool's `run`.
  const frames = new AsyncLocalStorage<{ frame: Frame; signal: AbortSignal | undefined }>();
  const tools: Tool[] = specs.map((spec): Tool => {
    const isolated = isolate[spec.name];
    if (isolated !== undefined) {
      return isolatedTool({
        name: spec.name,
        description: spec.description,
        inputSchema: spec.inputSchema,
        impact: impacts[spec.name]!,
        module: isolated.module,
        ...(isolated.export === undefined ? {} : { export: isolated.export }),
        ...(isolated.isolation === undefined ? {} : { isolation: isolated.isolation }),
      });
    }
    return cooperativeTool(spec, impacts[spec.name]!);
  });
  const heed = await createAgent({ ...agentOptions, tools });
  return {
    heed,
    call: (call, frame, signal) =>
      frames.run({ frame, signal }, () =>
        heed.callTool(
          { id: call.id ?? `call_${newId()}`, name: call.name, arguments: call.arguments },
          signal === undefined ? {} : { signal },
        ),
      ),
  };

  function cooperativeTool(spec: FrameworkToolSpec<Frame>, impact: ImpactClass): Tool {
    return {
      name: spec.name,
      description: spec.description,
      inputSchema: spec.inputSchema,
      impact,
      // A framework's tool not named in `isolate` is a closure in the caller's process, which heed cannot move into a
      // worker or a process: it is ended through its signal and the process groups it registers (the opt-out).
      cooperative: true,
      run: async (input, context) => {
        const current = frames.getStore();
        if (current === undefined) throw new HeedError('tool-refused', `${spec.name} runs only through its framework.`);
        const signal = mergeAbortSignals([context.signal, current.signal]);
        const output = await runContexts.run(context, () => spec.run(input, current.frame, signal));
        return typeof output === 'string' ? output : (JSON.stringify(output) ?? '');
      },
    };
  }
}

function checkIsolated(names: readonly string[], isolate: Readonly<Record<string, IsolatedFrameworkTool>>): void {
  if (typeof isolate !== 'object' || isolate === null) {
    throw new InvalidInputError('isolate must map tool names to { module, export?, isolation? }.');
  }
  const unknown = Object.keys(isolate).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `isolate names ${unknown.map((name) => `'${name}'`).join(', ')}, which no guarded tool is called; the tools are ${names.join(', ') || '(none)'}.`,
    );
  }
  for (const [name, entry] of Object.entries(isolate)) {
    if (typeof entry !== 'object' || entry === null || entry.module === undefined) {
      throw new InvalidInputError(`isolate.${name} needs a module: a file URL or an absolute path.`);
    }
  }
}

function checkImpacts(names: readonly string[], impacts: Readonly<Record<string, ImpactClass>>): void {
  if (typeof impacts !== 'object' || impacts === null) {
    throw new InvalidInputError(`impacts must map each tool name to one of ${impactClasses.join(', ')}.`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new InvalidInputError(`Two tools are named '${name}'.`);
    seen.add(name);
    const impact = impacts[name];
    if (impact === undefined) {
      throw new InvalidInputError(
        `impacts.${name} is missing: give the tool '${name}' one of ${impactClasses.join(', ')}.`,
      );
    }
    if (!(impactClasses as readonly string[]).includes(impact)) {
      throw new InvalidInputError(
        `impacts.${name} is '${String(impact)}': expected one of ${impactClasses.join(', ')}.`,
      );
    }
  }
  const unknown = Object.keys(impacts).filter((name) => !seen.has(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `impacts names ${unknown.map((name) => `'${name}'`).join(', ')}, which no guarded tool is called; the tools are ${[...seen].join(', ') || '(none)'}.`,
    );
  }
}
