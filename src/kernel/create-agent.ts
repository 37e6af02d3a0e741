import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { checkLogAgainstAnchor } from '../audit/anchor/check-log-against-anchor.ts';
import type { AuditEntry, AuditStore } from '../audit/audit-event.ts';
import { openMemoryAuditStore } from '../audit/memory/memory-audit-store.ts';
import { openSqliteAuditStore } from '../audit/sqlite/sqlite-audit-store.ts';
import type { AuthorityState } from '../authority/authority-state.ts';
import { createAuthority } from '../authority/create-authority.ts';
import type { AuthorityStore } from '../authority/store/authority-store.ts';
import { createMemoryAuthorityStore } from '../authority/store/memory-authority-store.ts';
import { openSqliteAuthorityStore } from '../authority/store/sqlite-authority-store.ts';
import type { Charter, CharterInput } from '../charter/charter-schema.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { formatPublicKey, generateKeyPair, publicKeyOf } from '../core/ed25519.ts';
import { canonicalHash } from '../core/hash.ts';
import { ensurePrivateFolder } from '../core/private-files.ts';
import type { Provider } from '../providers/provider.ts';
import { createScreeningPool } from '../screening/screening-pool.ts';
import { type ControlEndpoint, serveControlEndpoint } from './control/serve-control-endpoint.ts';
import { createKernel, type Kernel } from './create-kernel.ts';
import type { Delivery } from './deliver-order.ts';
import { joinServer, type ServerConnection } from './fleet/join-server.ts';
import { openOrderCursorFile } from './fleet/order-cursor-file.ts';
import type { KernelScreener, ProcessGroupKiller } from './kernel-ports.ts';
import type { InputValidator } from './kernel-runtime.ts';
import { loadAgentKey } from './load-agent-key.ts';
import { type AgentPaths, agentPaths, openAnchors, resolveCharter, resolveProvider } from './resolve-agent-options.ts';
import type { Tool } from './tool.ts';
import { ControlPlaneGuard } from './tools/control-plane-guard.ts';
import { controlPlanePaths } from './tools/control-plane-paths.ts';
import { createBuiltinTools, type ShellOptions } from './tools/create-builtin-tools.ts';

export interface CreateAgentOptions {
  /** The charter as an object (validated here); give exactly one of `charter` and `charterFile`. */
  charter?: Charter | CharterInput;
  /** The charter as a YAML or JSON file; protected from every tool. */
  charterFile?: string;
  /**
   * Where heed keeps `heed.db`: the audit log and the authority's state (seen order ids, and the journal its
   * revocations, rotations, stops, lease and successions are restored from at every start). Made 0700. Without it
   * both live in memory and nothing outlives the agent.
   */
  stateDir?: string;
  /**
   * The keys folder (0700, protected from tools): the agent's own key `<agent>.agent.key.jwk`, which signs audit
   * checkpoints, and the audit anchor live here, apart from the log. Default: `keys` beside the state folder.
   */
  keysDir?: string;
  /** Signs audit checkpoints instead of the key file in the keys folder. */
  agentKey?: KeyObject;
  /**
   * Where each checkpoint is anchored (one JSON line each): default `<keysDir>/<agent>.anchor.jsonl` with a state
   * folder; `false` for none. Make it append-only for the agent's user to keep the agent itself from cutting it.
   */
  anchorFile?: string | false;
  /** Also POST each anchored checkpoint to this URL (a witness on another machine). */
  witnessUrl?: string;
  /** Told when the witness did not take a checkpoint; the agent goes on. */
  onWitnessError?: (error: Error) => void;
  /** The model; or give `model` (`openai:<model>`, `anthropic:<model>`, `scripted:<file>`, `fake:<behaviour>`). */
  provider?: Provider;
  model?: string;
  /**
   * For `openai:` and `anthropic:` models: the endpoint and key (default HEED_BASE_URL and HEED_API_KEY, then the
   * vendor's own variables). A provider of your own takes the sampling settings and retries.
   */
  baseUrl?: string;
  apiKey?: string;
  /** Tools besides the built-in ones. */
  tools?: readonly Tool[];
  /** The folder the built-in file tools (and the shell) work in; without it there are no built-in tools. */
  workspace?: string;
  shell?: boolean | ShellOptions;
  /** More files and folders no tool may touch, e.g. a principal's key file kept elsewhere. */
  protectedPaths?: readonly string[];
  /** Screen tool results and documents (default true), or use this screener. */
  screening?: boolean | KernelScreener;
  /**
   * Join a control plane (`heed serve` at this URL): register, take orders from its stream (each verified here like
   * any other), ship audit entries to it. Losing it never fails open: the lease halts the agent.
   */
  server?: string;
  /** Told when the link to the server is lost or a shipment fails; the agent goes on. */
  onServerError?: (error: Error) => void;
  /**
   * The agent's previous key, when the server pinned that one and the agent now has another: signs for the change.
   */
  previousAgentKey?: KeyObject;
  /** Open POST /orders and GET /status on 127.0.0.1 (0 picks a free port). */
  controlPort?: number;
  /** The model's standing instructions; the charter rendered by default. */
  instructions?: string;
  clock?: Clock;
  maxSteps?: number;
  graceMs?: number;
  runId?: string;
  /** A signed checkpoint (and its anchor) every this many audit entries; default 1000. */
  checkpointEvery?: number;
  /** Use this audit store instead of the one in the state folder (tests, evals). */
  audit?: AuditStore;
  /** Use this state store instead of the one in the state folder (tests, evals). */
  authorityStore?: AuthorityStore;
  killProcessGroup?: ProcessGroupKiller;
  validateInput?: InputValidator;
  /** Awaited before each model turn: see `KernelOptions.beforeTurn` (drivers that play a world around the agent). */
  beforeTurn?: () => void | Promise<void>;
}

export interface Agent extends Kernel {
  /** The charter the agent holds now: the authority's, after revocations, rotations and charter orders. */
  charter(): Charter;
  /** The authority's state: stopped or not, the roster, the lease, pending successions. */
  authorityState(): AuthorityState;
  /** The control endpoint's URL when `controlPort` was given. */
  readonly controlUrl: string | undefined;
  /** The link to the control plane when `server` was given. */
  readonly server: ServerConnection | undefined;
  readonly paths: AgentPaths;
  /** Halts a run still going, then closes the endpoint and stores (sealing and anchoring the audit log). */
  close(): Promise<void>;
}

/**
 * The one composition root: an agent wired the way `heed run` wires it. Its authority is restored from the state
 * store (a stopped agent stays stopped, a revoked key stays revoked), its audit log is signed with the agent's key
 * and anchored, its tools are confined to the workspace and kept off every control-plane path, tool results are
 * screened, and a control endpoint is opened if asked. Orders reach it through `deliver` and the endpoint; a
 * connection to `heed serve` would be one more source of orders beside the endpoint.
 */
export async function createAgent(options: CreateAgentOptions): Promise<Agent> {
  const charter = resolveCharter(options);
  const provider = resolveProvider(options);
  const clock = options.clock ?? systemClock;
  const paths = agentPaths(options, charter.agent);
  const closers: Array<() => unknown> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
  };
  try {
    if (paths.stateDir !== undefined) ensurePrivateFolder(paths.stateDir, 'state folder');
    if (paths.keysDir !== undefined) ensurePrivateFolder(paths.keysDir, 'keys folder');
    let authorityStore = options.authorityStore;
    if (authorityStore === undefined) {
      const opened =
        paths.database === undefined ? createMemoryAuthorityStore() : openSqliteAuthorityStore(paths.database);
      closers.push(() => opened.close());
      authorityStore = opened;
    }
    const authority = createAuthority({ charter, clock, store: authorityStore });

    let audit = options.audit;
    let signingKey: KeyObject | undefined = options.agentKey;
    // Checkpoints committed before the agent has joined its server wait here; they are shipped once it has.
    let serverLink: ServerConnection | undefined;
    const unshippedCheckpoints: AuditEntry[] = [];
    if (audit === undefined) {
      const legacyKey = paths.stateDir === undefined ? undefined : join(paths.stateDir, 'agent.key.jwk');
      signingKey =
        options.agentKey ??
        (paths.agentKey === undefined ? undefined : loadAgentKey(paths.agentKey, legacyKey).privateKey);
      // The server pins the key an agent first registers with, and checks its checkpoints against it. An agent in
      // memory has no key file: it gets a key for this process (its id stays pinned to that key on the server).
      if (signingKey === undefined && options.server !== undefined) signingKey = generateKeyPair().privateKey;
      const anchors = openAnchors(options, paths);
      if (options.server !== undefined) {
        anchors.push({
          append: (_record, checkpoint) => {
            if (checkpoint === undefined) return;
            if (serverLink === undefined) unshippedCheckpoints.push(checkpoint);
            else serverLink.anchor(checkpoint);
          },
          close: async () => {},
        });
      }
      const storeOptions = {
        agent: charter.agent,
        clock,
        anchors,
        ...(signingKey === undefined ? {} : { signingKey }),
        ...(options.checkpointEvery === undefined ? {} : { checkpointEvery: options.checkpointEvery }),
      };
      let opened: AuditStore;
      try {
        opened =
          paths.database === undefined
            ? openMemoryAuditStore(storeOptions)
            : openSqliteAuditStore({ ...storeOptions, path: paths.database });
      } catch (error) {
        for (const anchor of anchors) await anchor.close();
        throw error;
      }
      closers.push(() => opened.close());
      audit = opened;
      if (paths.anchor !== undefined) await checkLogAgainstAnchor(audit, paths.anchor, charter.agent);
    }

    let kernel: Kernel | undefined;
    let endpoint: ControlEndpoint | undefined;
    if (options.controlPort !== undefined) {
      const starting: Delivery = { accepted: false, reason: 'error', detail: 'the agent is starting', id: null };
      const opened = await serveControlEndpoint(
        {
          deliverRecorded: async (input) => (kernel === undefined ? starting : kernel.deliverRecorded(input)),
          status: () => {
            if (kernel === undefined) throw new Error('the agent is starting');
            return kernel.status();
          },
        },
        options.controlPort,
      );
      closers.push(() => opened.close());
      endpoint = opened;
    }

    const tools: Tool[] = [];
    if (options.workspace !== undefined) {
      const guard = new ControlPlaneGuard({
        protectedPaths: controlPlanePaths({
          ...(options.charterFile === undefined ? {} : { charterFile: options.charterFile }),
          ...(paths.keysDir === undefined ? {} : { keysFolder: paths.keysDir }),
          ...(paths.stateDir === undefined ? {} : { stateFolder: paths.stateDir }),
          ...(paths.database === undefined ? {} : { databaseFile: paths.database }),
          others: [paths.agentKey, paths.anchor, ...(options.protectedPaths ?? [])].filter(
            (path): path is string => path !== undefined,
          ),
        }),
        ...(endpoint === undefined ? {} : { controlEndpoint: { host: '127.0.0.1', port: endpoint.port } }),
      });
      tools.push(
        ...(await createBuiltinTools({
          workspace: options.workspace,
          guard,
          ...(options.shell === undefined ? {} : { shell: options.shell }),
        })),
      );
    }
    tools.push(...(options.tools ?? []));

    const screening = options.screening ?? true;
    let screener: KernelScreener | undefined;
    if (screening === true) {
      // Screening runs in a worker thread with a deadline, so no tool result or document can hold up a stop.
      const pool = createScreeningPool({ screener: { thresholds: charter.screening.thresholds } });
      closers.push(() => pool.close());
      screener = pool;
    } else if (screening !== false) {
      screener = screening;
    }
    const created = createKernel({
      authority,
      provider,
      tools,
      store: audit,
      clock,
      ...(screener === undefined ? {} : { screener }),
      ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
      ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
      ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
      ...(options.runId === undefined ? {} : { runId: options.runId }),
      ...(options.killProcessGroup === undefined ? {} : { killProcessGroup: options.killProcessGroup }),
      ...(options.validateInput === undefined ? {} : { validateInput: options.validateInput }),
      ...(options.beforeTurn === undefined ? {} : { beforeTurn: options.beforeTurn }),
    });
    kernel = created;
    // Entries recorded while the agent joins (its `run-started` first) are kept and handed to the link, so the server's
    // copy of the log starts where the log does.
    const recordedBeforeJoin: AuditEntry[] = [];
    const keepUntilJoined =
      options.server === undefined ? () => true : created.onEvent((entry) => recordedBeforeJoin.push(entry));
    closers.push(keepUntilJoined);
    let server: ServerConnection | undefined;
    if (options.server !== undefined) {
      const held = authority.charter();
      // With an audit store of the caller's and no key, a key for this process signs the registrations only.
      const agentKey = signingKey ?? generateKeyPair().privateKey;
      const opened = await joinServer({
        url: options.server,
        agentKey,
        ...(options.previousAgentKey === undefined ? {} : { previousAgentKey: options.previousAgentKey }),
        ...(paths.stateDir === undefined
          ? {}
          : { cursor: openOrderCursorFile(join(paths.stateDir, 'server-cursor.json')) }),
        registration: {
          agent: held.agent,
          publicKey: formatPublicKey(publicKeyOf(agentKey)),
          charterHash: canonicalHash(held),
          groups: held.groups,
          principals: held.principals
            .filter((principal) => !principal.revoked)
            .map((principal) => ({ id: principal.id, key: principal.key, roles: principal.roles })),
          runId: created.runId,
          authority: held.authority,
          target: held.target,
        },
        deliver: (text) => created.deliverRecorded(text),
        onEvent: (listener) => {
          keepUntilJoined();
          for (const entry of recordedBeforeJoin.splice(0)) listener(entry);
          return created.onEvent(listener);
        },
        ...(options.onServerError === undefined ? {} : { onError: options.onServerError }),
      });
      server = opened;
      serverLink = opened;
      for (const checkpoint of unshippedCheckpoints.splice(0)) opened.anchor(checkpoint);
    }
    let closing: Promise<void> | undefined;
    return {
      ...created,
      charter: () => authority.charter(),
      authorityState: () => authority.state(),
      controlUrl: endpoint?.url,
      server,
      paths,
      close: () => {
        closing ??= (async () => {
          const status = created.status();
          if (status.halt === null && status.next !== 'final') await created.halt('cancelled', 'the agent was closed');
          // No order is taken once the stores start closing; the link closes last, so the checkpoint that seals the
          // audit log on close is shipped too, and anchored on the server.
          await server?.stopOrders();
          try {
            await closeAll();
          } finally {
            await server?.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
