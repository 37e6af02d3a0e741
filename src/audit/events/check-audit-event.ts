import type { z } from 'zod';
import { type AuditEvent, type AuditEventType, auditEventDataSchemas } from './audit-event-schemas.ts';

/**
 * The types schema version 1 knew. Version 1 had no per-type schemas: its writers guaranteed only a known type and a
 * JSON object as data, so that is all a version 1 entry is held to.
 */
export const auditEventTypesV1: readonly string[] = [
  'run-started',
  'run-ended',
  'order-accepted',
  'order-rejected',
  'task-started',
  'task-conflict',
  'model-call-start',
  'model-call-end',
  'tool-call-start',
  'tool-call-end',
  'tool-call-rejected',
  'policy-decision',
  'check-requested',
  'check-answered',
  'screening-verdict',
  'memory-write',
  'lease-renewed',
  'lease-expired',
  'succession-claimed',
  'succession-vetoed',
  'succession-completed',
  'succession-lapsed',
  'stop-started',
  'halt',
  'checkpoint',
];

export type AuditEventCheck = { ok: true; event: AuditEvent } | { ok: false; reason: string };

const knownTypes: ReadonlyMap<string, z.ZodType> = new Map(Object.entries(auditEventDataSchemas));
const knownTypesV1: ReadonlySet<string> = new Set(auditEventTypesV1);

/**
 * Checks one event against its type's schema (schema version 2) or against what version 1 guaranteed. The reason
 * names the type and the first field that does not fit.
 */
export function checkAuditEvent(type: string, data: unknown, schemaVersion: 1 | 2 = 2): AuditEventCheck {
  if (schemaVersion === 1) {
    if (!knownTypesV1.has(type)) return { ok: false, reason: `type '${type}' is not a version 1 event type` };
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return { ok: false, reason: `the data of a ${type} event is not a JSON object` };
    return { ok: true, event: { type, data } as AuditEvent };
  }
  const schema = knownTypes.get(type);
  if (schema === undefined) return { ok: false, reason: `type '${type}' is not an event type` };
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, event: { type: type as AuditEventType, data } as AuditEvent };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.length === 0 ? 'data' : `data.${issue.path.map(String).join('.')}`;
  return { ok: false, reason: `a ${type} event does not fit its schema: ${path}: ${issue.message}` };
}

/** `checkAuditEvent` over data as stored (JSON text). */
export function checkStoredAuditEvent(type: string, dataJson: string, schemaVersion: 1 | 2): AuditEventCheck {
  let data: unknown;
  try {
    data = JSON.parse(dataJson);
  } catch {
    return { ok: false, reason: `the data of a ${type} event is not JSON` };
  }
  return checkAuditEvent(type, data, schemaVersion);
}
