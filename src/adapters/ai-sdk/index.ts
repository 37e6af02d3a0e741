// heed/ai-sdk: heed in front of Vercel AI SDK tools. Each tool's execute runs through the kernel's gate (policy,
// DWIMAC checks, screening, audit), and heed's signal, given to generateText or streamText, ends the run on a stop.
import type { Tool as AiSdkTool, ToolExecutionOptions, ToolSet } from 'ai';
import { InvalidInputError } from '../../core/heed-error.ts';
import { importOptional } from '../../core/import-optional.ts';
import type { Agent } from '../../kernel/create-agent.ts';
import {
  createFrameworkGuard,
  type FrameworkGuardOptions,
  type FrameworkToolSpec,
  haltedRunError,
} from '../framework-guard.ts';

export {
  type FrameworkGuardOptions as AiSdkGuardOptions,
  type IsolatedFrameworkTool,
  RunHaltedError,
  registerProcessGroup,
} from '../framework-guard.ts';

export interface GuardedAiSdkTools<TOOLS extends ToolSet> {
  /** The same tools, each `execute` run through heed: give them to generateText or streamText. */
  tools: TOOLS;
  /** Aborts when heed halts the agent (a verified stop, the lease, a failed audit write): pass it as `abortSignal`. */
  signal: AbortSignal;
  /** heed's side: deliver signed orders (stop, approve, deny), read status, follow the audit log. */
  heed: Agent;
  /** The error a run ended with, as RunHaltedError when heed's halt ended it. */
  haltedError(error: unknown): unknown;
  /** Halts a run still going and closes heed's stores. */
  close(): Promise<void>;
}

/**
 * Guards AI SDK tools (`tool()`): every call passes the charter's policy (a `check` waits for a principal's signed
 * approval of that exact call), its result is screened before the model sees it, everything is on heed's audit log,
 * and a verified stop aborts heed's signal and every tool in flight. Tools without `execute` and provider-executed
 * tools are refused: heed could not see their calls.
 */
export async function guardTools<TOOLS extends ToolSet>(
  tools: TOOLS,
  options: FrameworkGuardOptions,
): Promise<GuardedAiSdkTools<TOOLS>> {
  const framework = await importOptional(() => import('ai'), 'ai', 'heed/ai-sdk');
  const entries = Object.entries(tools) as Array<[string, AiSdkTool]>;
  const unguardable = entries
    // An isolated tool's work is its module's, so it needs no execute of its own.
    .filter(
      ([name, tool]) =>
        tool.type === 'provider' || (typeof tool.execute !== 'function' && options.isolate?.[name] === undefined),
    )
    .map(([name]) => `'${name}'`);
  if (unguardable.length > 0) {
    throw new InvalidInputError(
      `heed can guard only tools that run here (with execute); ${unguardable.join(', ')} ${unguardable.length > 1 ? 'run' : 'runs'} elsewhere, where heed would not see the calls.`,
    );
  }
  const specs: FrameworkToolSpec<ToolExecutionOptions<unknown>>[] = [];
  for (const [name, tool] of entries) {
    const inputSchema = (await framework.asSchema(tool.inputSchema).jsonSchema) as Record<string, unknown>;
    specs.push({
      name,
      description: typeof tool.description === 'string' ? tool.description : '',
      inputSchema,
      run: async (input, frame, signal) => {
        if (tool.execute === undefined) throw new InvalidInputError(`The tool '${name}' has no execute.`);
        return lastOutput(await tool.execute(input, { ...frame, abortSignal: signal }));
      },
    });
  }
  const guard = await createFrameworkGuard(specs, options);
  const guarded = Object.fromEntries(
    entries.map(([name, tool]) => [
      name,
      {
        ...tool,
        execute: async (input: unknown, execution: ToolExecutionOptions<unknown>) => {
          const result = await guard.call(
            { id: execution.toolCallId, name, arguments: JSON.stringify(input ?? {}) },
            execution,
            execution.abortSignal,
          );
          return result.text;
        },
      },
    ]),
  ) as unknown as TOOLS;
  const heed = guard.heed;
  return {
    tools: guarded,
    signal: heed.signal,
    heed,
    haltedError: (error) => haltedRunError(heed, error),
    close: () => heed.close(),
  };
}

/** A tool's output; one that streams (an async iterable) ends with its final output, as the AI SDK reads it. */
async function lastOutput(output: unknown): Promise<unknown> {
  if (output === null || typeof output !== 'object' || !(Symbol.asyncIterator in output)) return output;
  let last: unknown;
  for await (const part of output as AsyncIterable<unknown>) last = part;
  return last;
}
