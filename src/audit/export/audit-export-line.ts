import { canonicalJson } from '../../core/canonical-json.ts';
import { type AuditSchemaVersion, auditSchemaVersion } from '../audit-event.ts';
import type { AuditRecord } from '../audit-record.ts';

/**
 * One JSONL line per entry, each carrying the schema version it was written under, so a line read alone is still
 * self-describing (a version 1 log extended by a later heed holds both).
 */
export function formatAuditExportLine(record: AuditRecord, schemaVersion: AuditSchemaVersion): string {
  return `{"schemaVersion":${schemaVersion},"seq":${record.seq},"at":${JSON.stringify(record.at)},"agent":${JSON.stringify(record.agent)},"type":${JSON.stringify(record.type)},"data":${record.dataJson},"prev":${JSON.stringify(record.prev)},"hash":${JSON.stringify(record.hash)}}`;
}

export type ParsedExportLine =
  | { ok: true; record: AuditRecord; schemaVersion: AuditSchemaVersion }
  | { ok: false; reason: string };

/** Reads one exported line back into a record; the reason names what is wrong with it. */
export function parseAuditExportLine(line: string): ParsedExportLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' };
  const entry = value as Record<string, unknown>;
  const schemaVersion = entry.schemaVersion;
  if (schemaVersion !== 1 && schemaVersion !== auditSchemaVersion) {
    return {
      ok: false,
      reason: `schemaVersion ${JSON.stringify(schemaVersion)} is not one this heed reads (1 to ${auditSchemaVersion})`,
    };
  }
  for (const field of ['at', 'agent', 'type', 'prev', 'hash'] as const) {
    if (typeof entry[field] !== 'string') return { ok: false, reason: `field ${field} is not a string` };
  }
  if (typeof entry.seq !== 'number') return { ok: false, reason: 'field seq is not a number' };
  if (typeof entry.data !== 'object' || entry.data === null || Array.isArray(entry.data)) {
    return { ok: false, reason: 'field data is not an object' };
  }
  return {
    ok: true,
    schemaVersion,
    record: {
      seq: entry.seq,
      at: entry.at as string,
      agent: entry.agent as string,
      type: entry.type as string,
      dataJson: canonicalJson(entry.data),
      prev: entry.prev as string,
      hash: entry.hash as string,
    },
  };
}
