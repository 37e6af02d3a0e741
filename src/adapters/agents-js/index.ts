// heed/agents-js: heed in front of an OpenAI Agents JS agent. Its function tools run through the kernel's gate
// (policy, DWIMAC checks, screening, audit) and a verified stop aborts the framework's run and its tools.
import type {
  AgentInputItem,
  Agent as AgentsJsAgent,
  FunctionTool,
  NonStreamRunOptions,
  RunContext,
  RunResult,
} from '@openai/agents';
import { InvalidInputError } from '../../core/heed-error.ts';
import { importOptional } from '../../core/import-optional.ts';
import { mergeAbortSignals } from '../../core/merge-abort-signals.ts';
import type { Agent } from '../../kernel/create-agent.ts';
import {
  createFrameworkGuard,
  type FrameworkGuardOptions,
  type FrameworkToolSpec,
  haltedRunError,
} from '../framework-guard.ts';

export {
  type FrameworkGuardOptions as AgentsJsGuardOptions,
  type IsolatedFrameworkTool,
  RunHaltedError,
  registerProcessGroup,
} from '../framework-guard.ts';

// biome-ignore lint/suspicious/noExplicitAny: the framework's own run() takes any agent as Agent<any, any>.
type AnyAgent = AgentsJsAgent<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: an agent's tools are FunctionTool<Context, any, any> in the framework.
type AnyFunctionTool = FunctionTool<unknown, any, unknown>;
type ToolCallDetails = Parameters<FunctionTool['invoke']>[2];
interface AgentsJsFrame {
  runContext: RunContext<unknown>;
  details: ToolCallDetails;
}

export interface GuardedAgentsJsAgent<TAgent extends AnyAgent> {
  /** A clone of the agent whose function tools run through heed; give it to the framework's `run` with `signal`. */
  agent: TAgent;
  /** Aborts when heed halts the agent (a verified stop, the lease, a failed audit write). */
  signal: AbortSignal;
  /** heed's side: deliver signed orders (stop, approve, deny), read status, follow the audit log. */
  heed: Agent;
  /**
   * The framework's own `run` on the guarded agent with heed's signal joined to yours. A run that heed halts
   * rejects with RunHaltedError.
   */
  run(
    input: string | AgentInputItem[],
    options?: NonStreamRunOptions<unknown, TAgent>,
  ): Promise<RunResult<unknown, TAgent>>;
  /** Halts a run still going and closes heed's stores. */
  close(): Promise<void>;
}

/**
 * Guards an OpenAI Agents JS agent: every function tool call passes the charter's policy (a `check` waits for a
 * principal's signed approval of that exact call), its result is screened before the model sees it, everything is
 * on heed's audit log, and a verified stop aborts the run and every tool in flight. Hosted tools, handoffs and MCP
 * servers are refused: heed could not see their calls.
 */
export async function guardAgent<TAgent extends AnyAgent>(
  agent: TAgent,
  options: FrameworkGuardOptions,
): Promise<GuardedAgentsJsAgent<TAgent>> {
  const unguardable = [
    ...agent.tools.filter((tool) => tool.type !== 'function').map((tool) => `the ${tool.type} tool '${tool.name}'`),
    ...agent.handoffs.map((handoff) => `the handoff '${'agentName' in handoff ? handoff.agentName : handoff.name}'`),
    ...(agent.mcpServers ?? []).map((server) => `the MCP server '${server.name}'`),
  ];
  if (unguardable.length > 0) {
    throw new InvalidInputError(
      `heed can guard only an agent's function tools; this agent also has ${unguardable.join(', ')}, whose calls heed would not see. Put MCP servers behind \`heed proxy\` and guard each handed-off agent on its own.`,
    );
  }
  const tools = agent.tools as AnyFunctionTool[];
  const specs: FrameworkToolSpec<AgentsJsFrame>[] = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.parameters as Record<string, unknown>,
    run: (input, frame, signal) =>
      tool.invoke(frame.runContext, JSON.stringify(input), { ...(frame.details ?? {}), signal }),
  }));
  const guard = await createFrameworkGuard(specs, options);
  const guardedTools = tools.map(
    (tool): AnyFunctionTool => ({
      ...tool,
      invoke: async (runContext, input, details) => {
        const result = await guard.call(
          { id: details?.toolCall?.callId, name: tool.name, arguments: input },
          { runContext, details },
          details?.signal,
        );
        return result.text;
      },
    }),
  );
  const guarded = agent.clone({ tools: guardedTools }) as TAgent;
  const heed = guard.heed;
  return {
    agent: guarded,
    signal: heed.signal,
    heed,
    run: async (input, runOptions = {}) => {
      const framework = await importOptional(() => import('@openai/agents'), '@openai/agents', 'heed/agents-js');
      const signal = mergeAbortSignals([heed.signal, runOptions.signal]);
      try {
        return await framework.run(guarded, input, { ...runOptions, signal });
      } catch (error) {
        throw haltedRunError(heed, error);
      }
    },
    close: () => heed.close(),
  };
}
