import type { ShippedAnchor } from '../../kernel/fleet/fleet-protocol.ts';
import type { AgentRecord, AgentRunStatus, FeedEntry, OrderRecord, ServerAuditEntry } from './server-store.ts';

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
}

export function agentFromRow(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    publicKey: row.public_key,
    charterHash: row.charter_hash,
    groups: JSON.parse(row.groups_json) as string[],
    principals: JSON.parse(row.principals_json) as AgentRecord['principals'],
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
