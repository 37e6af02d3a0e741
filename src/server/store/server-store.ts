import type { AuthorityRule, RuledOrderKind } from '../../charter/charter-schema.ts';
import type { TargetProfileName } from '../../charter/target-profile-names.ts';
import type { AgentRegistration, ShippedAnchor } from '../../kernel/fleet/fleet-protocol.ts';

export type AgentRunStatus = 'running' | 'halted' | 'unknown';

export interface AgentRecord {
  id: string;
  publicKey: string | null;
  charterHash: string;
  groups: string[];
  principals: AgentRegistration['principals'];
  /** The charter's order rules as the agent registered them (the defaults for an agent that registered none). */
  authority: Record<RuledOrderKind, AuthorityRule>;
  /** The charter's target profile; null for an agent that did not register one. */
  target: TargetProfileName | null;
  runId: string;
  registeredAt: string;
  lastSeen: string;
  /** From the audit events the agent shipped: halted after a `halt`, running after a `run-started`. */
  status: AgentRunStatus;
  /** The highest order sequence number stored when the agent first registered: it never needs an earlier order. */
  resumeAfter: number;
  /** The latest signed checkpoint the agent shipped, its signature checked against the pinned key at ingest. */
  anchor: ShippedAnchor | null;
}

/** One shipped audit entry in the order entries reached the server (from any replica): `feedSeq` orders them all. */
export interface FeedEntry {
  feedSeq: number;
  agent: string;
  entry: Record<string, unknown>;
}

export interface OrderRecord {
  seq: number;
  /** An agent id, or `group:<name>`: the envelope's own `agent` field. */
  target: string;
  envelopeId: string;
  kind: string;
  /** The envelope as the submitter sent it (JSON text); the server never re-encodes a signed order. */
  envelope: string;
  submittedBy: string;
  submittedAt: string;
}

/** Stored states of a pending order; `expired` is not stored but read from `expiresAt`. */
export type PendingOrderStatus = 'pending' | 'submitted' | 'withdrawn';

/** An envelope awaiting co-signatures: its id is the envelope's id. */
export interface PendingOrderRecord {
  id: string;
  /** An agent id, or `group:<name>`. */
  target: string;
  kind: string;
  /** The envelope with the signatures gathered so far (JSON text). */
  envelope: string;
  proposedBy: string;
  proposedAt: string;
  expiresAt: string;
  status: PendingOrderStatus;
  /** The order's sequence number once submitted. */
  seq: number | null;
  /** Counts changes: a change names the version it read, so two co-signers never overwrite each other. */
  version: number;
}

export interface ServerAuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  data: Record<string, unknown>;
  prev: string;
  hash: string;
}

export interface ServerAuditInput {
  actor: string;
  action: string;
  data: Record<string, unknown>;
}

/** One agent's shipment, as `addAgentEventShipments` takes it. */
export interface AgentEventShipment {
  agent: string;
  entries: ReadonlyArray<{ seq: number } & Record<string, unknown>>;
  /** When the agent was seen, and the status its entries show, if any. */
  seen: { at: string; status?: AgentRunStatus };
}

/** The type column a shipped entry is stored with (indexed: pending checks read a few types of a long log). */
export function shippedEntryType(entry: Record<string, unknown>): string | null {
  return typeof entry.type === 'string' ? entry.type : null;
}

export interface StoredAgentEvent {
  seq: number;
  /** The agent's own entry, as shipped. */
  entry: Record<string, unknown>;
}

/**
 * The control plane's state: one interface, an embedded node:sqlite backend and a PostgreSQL one, proved alike by
 * one contract suite. Migrations run when a store opens.
 */
/** A one-use login challenge: the random text signed, who it was issued to (`principal:<id>`, `agent:<id>`), until when. */
export interface LoginChallenge {
  challenge: string;
  subject: string;
  expiresAt: number;
}

export interface ServerStore {
  readonly backend: 'sqlite' | 'postgres';
  /**
   * Without `replacing`, registers a new agent, resuming after the highest order now stored; undefined when the id is
   * taken. With it, updates the agent in place if its key is still `replacing.publicKey` (its resume point stays);
   * undefined when it is not (another registration changed it meanwhile).
   */
  registerAgent(
    registration: AgentRegistration,
    at: string,
    replacing?: { publicKey: string | null },
  ): Promise<AgentRecord | undefined>;
  /** Keeps the anchor when it is later than the agent's stored one. */
  setAnchor(agent: string, anchor: ShippedAnchor): Promise<void>;
  /** Marks the agent seen now; with a status, records it too. */
  touchAgent(id: string, at: string, status?: AgentRunStatus): Promise<void>;
  getAgent(id: string): Promise<AgentRecord | undefined>;
  listAgents(): Promise<AgentRecord[]>;
  /** How many registered agents' charters list this group (without reading every agent). */
  countGroupMembers(group: string): Promise<number>;
  /** Stores an order under the next sequence number; sequence numbers commit in order (no gaps seen by readers). */
  addOrder(order: Omit<OrderRecord, 'seq'>): Promise<OrderRecord>;
  /** Orders after `afterSeq` addressed to one of `targets`, in sequence order. */
  ordersFor(targets: readonly string[], afterSeq: number, limit: number): Promise<OrderRecord[]>;
  /**
   * Called with each new order committed by any replica sharing this store, in sequence order, read once for all
   * listeners. Sequence numbers may skip (a rolled-back insert); a listener that sees one skip reads the store.
   */
  onOrder(listener: (order: OrderRecord) => void): () => void;
  /** The highest sequence number announced to this store's listeners: every order up to it is committed. */
  announcedThrough(): number;
  /** The first order submitted with this envelope id, if any. */
  findOrder(envelopeId: string): Promise<OrderRecord | undefined>;
  /** Stores a new pending order (version 1, status pending); false when one with this id exists already. */
  addPendingOrder(pending: Omit<PendingOrderRecord, 'status' | 'seq' | 'version'>): Promise<boolean>;
  getPendingOrder(id: string): Promise<PendingOrderRecord | undefined>;
  /** Pending orders, newest first. */
  listPendingOrders(limit: number): Promise<PendingOrderRecord[]>;
  /**
   * Changes a pending order if it is still at `version`, and returns it at the next version; undefined when another
   * change came first (read it again and retry).
   */
  changePendingOrder(
    id: string,
    version: number,
    change: Pick<PendingOrderRecord, 'envelope' | 'status' | 'seq'>,
  ): Promise<PendingOrderRecord | undefined>;
  /** Appends records to the server's chain in one commit, in the order given. */
  appendServerAudit(inputs: readonly ServerAuditInput[], at: string): Promise<ServerAuditEntry[]>;
  readServerAudit(afterSeq: number, limit: number): Promise<ServerAuditEntry[]>;
  /**
   * Stores shipped entries, and appends the new ones to the feed; one already stored (same agent and seq) is left as
   * it is. Marks the agent seen at `at`
   * (and its status, when given) in the same commit. Returns how many entries were new.
   */
  addAgentEvents(
    agent: string,
    entries: ReadonlyArray<{ seq: number } & Record<string, unknown>>,
    seen?: { at: string; status?: AgentRunStatus },
  ): Promise<number>;
  /**
   * Several agents' shipments in one commit (each as `addAgentEvents` would store it, in the order given): per
   * shipment, how many entries were new, or null when its agent is not registered (nothing of it is stored).
   */
  addAgentEventShipments(shipments: readonly AgentEventShipment[]): Promise<Array<number | null>>;
  readAgentEvents(agent: string, afterSeq: number, limit: number): Promise<StoredAgentEvent[]>;
  /** Shipped entries in arrival order after `afterFeedSeq` (one agent's, or every agent's). */
  readFeed(afterFeedSeq: number, limit: number, agent?: string): Promise<FeedEntry[]>;
  /** Called when entries were added to the feed by any replica sharing this store; read them with `readFeed`. */
  onFeed(listener: () => void): () => void;
  /** Shipped entries of these types only, in sequence order. */
  readAgentEventsOfTypes(
    agent: string,
    types: readonly string[],
    afterSeq: number,
    limit: number,
  ): Promise<StoredAgentEvent[]>;
  /**
   * Keeps a login challenge until `challenge.expiresAt` (ms since the epoch). Expired ones are dropped, and past `keep`
   * challenges the ones that expire first, so a flood of requests can only evict unanswered challenges.
   */
  addChallenge(challenge: LoginChallenge, now: number, keep: number): Promise<void>;
  /** Removes a challenge and returns it: of several takes, on any replica sharing the store, one gets it. */
  takeChallenge(challenge: string): Promise<LoginChallenge | undefined>;
  /** The value of a setting, written once: the first writer's value wins and every later caller reads it. */
  setting(key: string, initial: () => string): Promise<string>;
  close(): Promise<void>;
}
