import type { AgentRegistration } from '../../kernel/fleet/fleet-protocol.ts';

export type AgentRunStatus = 'running' | 'halted' | 'unknown';

export interface AgentRecord {
  id: string;
  publicKey: string | null;
  charterHash: string;
  groups: string[];
  principals: AgentRegistration['principals'];
  runId: string;
  registeredAt: string;
  lastSeen: string;
  /** From the audit events the agent shipped: halted after a `halt`, running after a `run-started`. */
  status: AgentRunStatus;
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

export interface StoredAgentEvent {
  seq: number;
  /** The agent's own entry, as shipped. */
  entry: Record<string, unknown>;
}

/**
 * The control plane's state: one interface, an embedded node:sqlite backend and a PostgreSQL one, proved alike by
 * one contract suite. Migrations run when a store opens.
 */
export interface ServerStore {
  readonly backend: 'sqlite' | 'postgres';
  registerAgent(registration: AgentRegistration, at: string): Promise<AgentRecord>;
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
  /** Appends records to the server's chain in one commit, in the order given. */
  appendServerAudit(inputs: readonly ServerAuditInput[], at: string): Promise<ServerAuditEntry[]>;
  readServerAudit(afterSeq: number, limit: number): Promise<ServerAuditEntry[]>;
  /**
   * Stores shipped entries; one already stored (same agent and seq) is left as it is. Marks the agent seen at `at`
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
  /** The value of a setting, written once: the first writer's value wins and every later caller reads it. */
  setting(key: string, initial: () => string): Promise<string>;
  close(): Promise<void>;
}
