import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  type CallToolRequest,
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Charter, CharterInput } from '../../charter/charter-schema.ts';
import { loadCharterFile, parseCharter } from '../../charter/load-charter.ts';
import { parseDuration } from '../../core/duration.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { heedVersion } from '../../core/heed-version.ts';
import { type Agent, createAgent } from '../../kernel/create-agent.ts';
import { forceKillProcessGroup } from '../../kernel/force-kill-process-group.ts';
import type { ProcessGroupKill } from '../../kernel/kernel-ports.ts';
import { killProcessGroup } from '../../kernel/process/kill-process-group.ts';
import { type ConnectedUpstream, connectUpstream } from './connect-upstream.ts';
import { describeCheck, type ProxyCheck } from './describe-check.ts';
import { noModelProvider } from './no-model-provider.ts';
import { type ProxiedTool, proxiedTools, requestSignals } from './proxied-tools.ts';

export interface McpProxyOptions {
  /** The charter file; its `proxy` section names the upstreams. Give exactly one of `charterFile` and `charter`. */
  charterFile?: string;
  charter?: Charter | CharterInput;
  /** Where the audit log and the authority's state live (see `createAgent`); in memory without it. */
  stateDir?: string;
  keysDir?: string;
  /** Open heed's loopback control endpoint (POST /orders) on this port (0 picks one): how approvals and stops arrive. */
  controlPort?: number;
  /** Screen upstream results (default true). */
  screening?: boolean;
  /** Overrides the charter's `stop.grace`. */
  graceMs?: number;
  /** What the proxy has to say to its operator: checks waiting, upstreams killed after a stop, upstreams' stderr. */
  onNotice?: (text: string) => void;
  /**
   * How long a call held for a check waits when its client asked for no progress (default 50 s, below the MCP
   * SDK client's 60 s request timeout): then it is answered, not run, with what the check waits for, instead of
   * the client timing out without a word. A client that asks for progress is kept waiting up to the charter's
   * `policy.checkTimeout` by a progress notification every `progressIntervalMs`.
   */
  holdWithoutProgressMs?: number;
  /** How often a held call's client that asked for progress hears that the check still waits (default 10 s). */
  progressIntervalMs?: number;
}

const defaultHoldWithoutProgressMs = 50_000;
const defaultProgressIntervalMs = 10_000;

export interface McpProxy {
  /** The kernel every call goes through: its audit log, its authority, its control endpoint. */
  readonly agent: Agent;
  readonly tools: readonly ProxiedTool[];
  /** A new MCP server for one client connection (stdio, or one Streamable HTTP session). */
  createServer(): Server;
  /** Resolves once the upstreams are gone after a stop or close: what was still running at the grace was killed. */
  readonly upstreamsClosed: Promise<ProcessGroupKill[]>;
  /** Halts the agent, closes the upstreams (killing what is left at the grace), then the agent's stores. */
  close(): Promise<void>;
}

/**
 * `heed proxy`: an MCP server in front of the charter's upstream MCP servers. Every `tools/call` goes through the
 * kernel's gate (`Agent.callTool`): the charter's policy for the tool's impact class, a check that holds the call
 * until a signed approve names its exact action, screening of the result, the audit log. A verified stop cancels the
 * calls in flight (the SDK sends `notifications/cancelled` upstream), closes the upstreams, kills their process
 * groups at the grace, and every later call is refused.
 */
export async function createMcpProxy(options: McpProxyOptions): Promise<McpProxy> {
  const notice = options.onNotice ?? (() => undefined);
  const holdWithoutProgressMs = positiveMilliseconds(
    options.holdWithoutProgressMs ?? defaultHoldWithoutProgressMs,
    'holdWithoutProgressMs',
  );
  const progressIntervalMs = positiveMilliseconds(
    options.progressIntervalMs ?? defaultProgressIntervalMs,
    'progressIntervalMs',
  );
  const charter = resolveCharter(options);
  if (charter.proxy === undefined) {
    throw new InvalidInputError(
      'The charter has no proxy section: add proxy.upstreams, the MCP servers heed proxy fronts (see docs/adapters.md).',
    );
  }
  const charterFolder = options.charterFile === undefined ? process.cwd() : dirname(resolve(options.charterFile));
  const upstreams: ConnectedUpstream[] = [];
  let agent: Agent;
  let tools: ProxiedTool[];
  try {
    for (const upstream of charter.proxy.upstreams) {
      upstreams.push(
        await connectUpstream(upstream, {
          charterFolder,
          onStderr: (chunk) => notice(`[${upstream.name}] ${chunk.toString('utf8').trimEnd()}`),
        }),
      );
    }
    tools = proxiedTools(upstreams, charter.proxy.upstreams, notice);
    agent = await createAgent({
      ...(options.charterFile === undefined ? { charter } : { charterFile: options.charterFile }),
      provider: noModelProvider,
      tools: tools.map((proxied) => proxied.tool),
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
      ...(options.keysDir === undefined ? {} : { keysDir: options.keysDir }),
      ...(options.controlPort === undefined ? {} : { controlPort: options.controlPort }),
      ...(options.screening === undefined ? {} : { screening: options.screening }),
      ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
    });
  } catch (error) {
    await closeUpstreams(upstreams, performance.now(), false);
    throw error;
  }
  const graceMs = options.graceMs ?? parseDuration(charter.stop.grace);
  const checkTimeout = charter.policy.checkTimeout;
  const checks = new Map<string, ProxyCheck>();
  agent.onEvent((entry) => {
    const data = entry.data as Record<string, unknown>;
    if (entry.type === 'check-requested' && typeof data.call === 'string') {
      checks.set(data.call, { action: String(data.action), tool: String(data.tool), answer: 'pending' });
    }
  });

  let closed: Promise<ProcessGroupKill[]> | undefined;
  let settleClosed: (kills: ProcessGroupKill[]) => void = () => undefined;
  const upstreamsClosed = new Promise<ProcessGroupKill[]>((resolveClosed) => {
    settleClosed = resolveClosed;
  });
  const shutDown = (deadline: number, terminate: boolean) => {
    closed ??= closeUpstreams(upstreams, deadline, terminate).then(async (kills) => {
      for (const kill of kills) {
        notice(
          `upstream process group ${kill.pgid} was still running at the grace and was killed (gone: ${kill.gone})`,
        );
        const upstream = upstreams.find((candidate) => candidate.processGroup === kill.pgid)?.name ?? 'unknown';
        // A log that can no longer be written has halted the agent already; the notice above still tells the operator.
        await agent.recordUpstreamKilled({ upstream, pgid: kill.pgid, gone: kill.gone }).catch(() => undefined);
      }
      settleClosed(kills);
      return kills;
    });
    return closed;
  };
  // A stop, a lease that ran out or a failed audit write. The upstreams close on the next turn of the event loop:
  // the calls in flight first see the kernel's signal, and the SDK writes their `notifications/cancelled` upstream
  // before the servers' stdin ends.
  // After a stop (or a lease out, a failed audit write; not the proxy's own close), the upstreams' process groups also
  // get SIGTERM at once, as the kernel's own tools' groups do: what the servers spawned for the calls in flight ends
  // within the grace if it honours SIGTERM, and only what ignores it waits for the SIGKILL at the grace.
  const onHalt = () => {
    const deadline = performance.now() + graceMs;
    const terminate = agent.status().halt?.reason !== 'cancelled';
    setImmediate(() => void shutDown(deadline, terminate));
  };
  if (agent.signal.aborted) onHalt();
  else agent.signal.addEventListener('abort', onHalt, { once: true });

  let callCounter = 0;
  async function callTool(params: CallToolRequest['params'], extra: RequestExtra): Promise<CallToolResult> {
    callCounter += 1;
    const id = `mcp-${callCounter}`;
    const call = { id, name: params.name, arguments: JSON.stringify(params.arguments ?? {}) };
    const waiting = announceCheck(id, extra);
    const signal = AbortSignal.any([extra.signal, waiting.signal]);
    const result = await requestSignals.run(signal, () => agent.callTool(call, { signal }));
    waiting.stop();
    const held = checks.get(id);
    checks.delete(id);
    // A held call runs only with an approval of its action; any other end (denied, expired, cancelled, halted) is not.
    const check: ProxyCheck | undefined =
      held === undefined ? undefined : { ...held, answer: result.outcome === 'ok' ? 'approved' : 'not approved' };
    const meta = {
      ...(result.flagged ? { 'heed/flagged': true } : {}),
      ...(check === undefined ? {} : { 'heed/check': { ...check } }),
    };
    const outcome = waiting.signal.aborted && !extra.signal.aborted ? waiting.signal.reason : result.text;
    const text =
      result.outcome === 'ok' || check === undefined
        ? result.text
        : `${outcome}\n${describeCheck(check, { agent: charter.agent, controlUrl: agent.controlUrl, checkTimeout })}`;
    return {
      content: [{ type: 'text', text }],
      isError: result.outcome !== 'ok',
      ...(Object.keys(meta).length > 0 ? { _meta: meta } : {}),
    };
  }

  /**
   * While a call is held for a check, tells the operator how to approve it, and the client: one that asked for
   * progress hears it every `progressIntervalMs` (which keeps a request with `resetTimeoutOnProgress` alive up to the
   * check's timeout); one that did not is answered once `holdWithoutProgressMs` has passed (`signal` aborts, with the
   * answer's text as its reason), before its own request timeout ends the call without a word.
   */
  function announceCheck(id: string, extra: RequestExtra): { signal: AbortSignal; stop: () => void } {
    const answered = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let announced = false;
    const unsubscribe = agent.onEvent((entry) => {
      if (announced || entry.type !== 'check-requested' || (entry.data as { call?: unknown }).call !== id) return;
      announced = true;
      const check = checks.get(id);
      if (check === undefined) return;
      const text = `pending: ${describeCheck(check, { agent: charter.agent, controlUrl: agent.controlUrl, checkTimeout })}`;
      notice(text);
      const progressToken = extra._meta?.progressToken;
      if (progressToken === undefined) {
        timer = setTimeout(() => {
          const seconds = Math.round(holdWithoutProgressMs / 1000);
          answered.abort(
            `Not run: the check is still pending after ${seconds} s, longer than an MCP client waits for an answer. ` +
              'Ask for progress (resetTimeoutOnProgress) to be kept waiting up to the check timeout, or call again once approved.',
          );
        }, holdWithoutProgressMs);
        return;
      }
      let progress = 0;
      const tell = () =>
        void extra
          .sendNotification({ method: 'notifications/progress', params: { progressToken, progress, message: text } })
          .catch(() => undefined);
      tell();
      timer = setInterval(() => {
        progress += 1;
        tell();
      }, progressIntervalMs);
    });
    return {
      signal: answered.signal,
      stop: () => {
        unsubscribe();
        clearTimeout(timer);
        clearInterval(timer);
      },
    };
  }

  return {
    agent,
    tools,
    upstreamsClosed,
    createServer: () => {
      const server = new Server(
        { name: 'heed-proxy', version: heedVersion() },
        {
          capabilities: { tools: {} },
          instructions: `Tools of ${charter.proxy!.upstreams.map((upstream) => upstream.name).join(', ')}, governed by heed under the charter of agent '${charter.agent}'. A call may be held for a principal's approval, denied by policy, or refused after a stop.`,
        },
      );
      server.setRequestHandler(ListToolsRequestSchema, () => ({
        tools: tools.map(({ listing, tool }) => {
          // Results reach the client as screened text, so an upstream output schema would promise what never comes.
          const { outputSchema: _structured, ...rest } = listing;
          return { ...rest, name: tool.name };
        }),
      }));
      server.setRequestHandler(CallToolRequestSchema, (request, extra) => callTool(request.params, extra));
      return server;
    },
    close: async () => {
      // Halted first and closed last, so the kills of upstreams still running at the grace are on the audit log.
      await agent.halt('cancelled', 'the proxy was closed');
      await shutDown(performance.now() + graceMs, false);
      await agent.close();
    },
  };
}

function positiveMilliseconds(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`${name} must be a whole number of milliseconds, at least 1; got ${String(value)}.`);
  }
  return value;
}

type RequestExtra = Parameters<Parameters<Server['setRequestHandler']>[1]>[1];

function resolveCharter(options: McpProxyOptions): Charter {
  if ((options.charter === undefined) === (options.charterFile === undefined)) {
    throw new InvalidInputError('Give the proxy exactly one of charter (an object) and charterFile.');
  }
  return options.charter === undefined ? loadCharterFile(options.charterFile!) : parseCharter(options.charter);
}

/**
 * Closes every upstream (a stdio server sees its stdin end, the MCP way to ask it to exit), sends their process groups
 * SIGTERM when `terminate`, waits until `deadline` (the stop's grace) for the groups to end, and kills each group
 * still running then.
 */
async function closeUpstreams(
  upstreams: readonly ConnectedUpstream[],
  deadline: number,
  terminate: boolean,
): Promise<ProcessGroupKill[]> {
  await Promise.all(upstreams.map((upstream) => upstream.client.close().catch(() => undefined)));
  const groups = upstreams.flatMap((upstream) => (upstream.processGroup === undefined ? [] : [upstream.processGroup]));
  if (terminate) for (const pgid of groups) killProcessGroup(pgid, 'SIGTERM');
  // A signal probe, not a scan of /proc: a group is there while any member is, and this runs every few milliseconds.
  const present = (pgid: number) => killProcessGroup(pgid, 0).sent;
  while (groups.some(present) && performance.now() < deadline) await sleep(Math.min(5, deadline - performance.now()));
  const killed = groups.filter((pgid) => killProcessGroup(pgid, 'SIGKILL').sent);
  return Promise.all(killed.map(async (pgid) => ({ ...(await forceKillProcessGroup(pgid)), wasRunning: true })));
}
