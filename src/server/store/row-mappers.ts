import { defaultAuthorityRules } from '../../charter/charter-schema.ts';
import type { ShippedAnchor } from '../../kernel/fleet/fleet-protocol.ts';
import type {
  AgentRecord,
  AgentRunStatus,
  FeedEntry,
  OrderRecord,
  PendingOrderRecord,
  PendingOrderStatus,
  ServerAuditEntry,
} from './server-store.ts';

// Both backends store the same columns; these read a row back into the store's records.

export interface AgentRow {
  id: string;
  public_key: string | null;
  charter_hash: string;
  groups_json: string;
  principals_json: string;
  run_id: string;
  registered_at: string;
  last_seen: string;
  status: string;
  resume_after: number | string;
  anchor_json: string | null;
  authority_json: string | null;
  target: string | null;
}

export function agentFromRow(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    publicKey: row.public_key,
    charterHash: row.charter_hash,
    groups: JSON.parse(row.groups_json) as string[],
    principals: JSON.parse(row.principals_json) as AgentRecord['principals'],
    // Written from a parsed registration; an agent registered before rules were kept shows the defaults.
    authority:
      row.authority_json === null
        ? defaultAuthorityRules
        : (JSON.parse(row.authority_json) as AgentRecord['authority']),
    target: row.target as AgentRecord['target'],
    runId: row.run_id,
    registeredAt: row.registered_at,
    lastSeen: row.last_seen,
    status: row.status as AgentRunStatus,
    resumeAfter: Number(row.resume_after),
    anchor: row.anchor_json === null ? null : (JSON.parse(row.anchor_json) as ShippedAnchor),
  };
}

export interface OrderRow {
  seq: number | string;
  target: string;
  envelope_id: string;
  kind: string;
  envelope: string;
  submitted_by: string;
  submitted_at: string;
}

export function orderFromRow(row: OrderRow): OrderRecord {
  return {
    seq: Number(row.seq),
    target: row.target,
    envelopeId: row.envelope_id,
    kind: row.kind,
    envelope: row.envelope,
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at,
  };
}

export interface ServerAuditRow {
  seq: number | string;
  at: string;
  actor: string;
  action: string;
  data_json: string;
  prev: string;
  hash: string;
}

export function serverAuditFromRow(row: ServerAuditRow): ServerAuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    data: JSON.parse(row.data_json) as Record<string, unknown>,
    prev: row.prev,
    hash: row.hash,
  };
}

export interface FeedRow {
  feed_seq: number | string;
  agent: string;
  entry_json: string;
}

export function feedEntryFromRow(row: FeedRow): FeedEntry {
  return {
    feedSeq: Number(row.feed_seq),
    agent: row.agent,
    entry: JSON.parse(row.entry_json) as Record<string, unknown>,
  };
}

export interface PendingOrderRow {
  id: string;
  target: string;
  kind: string;
  envelope: string;
  proposed_by: string;
  proposed_at: string;
  expires_at: string;
  status: string;
  seq: number | string | null;
  version: number | string;
}

export function pendingOrderFromRow(row: PendingOrderRow): PendingOrderRecord {
  return {
    id: row.id,
    target: row.target,
    kind: row.kind,
    envelope: row.envelope,
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at,
    expiresAt: row.expires_at,
    status: row.status as PendingOrderStatus,
    seq: row.seq === null ? null : Number(row.seq),
    version: Number(row.version),
  };
}
