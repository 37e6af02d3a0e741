import { canonicalJson } from '../core/canonical-json.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import { type AuditEventInput, auditEventTypes } from './audit-event.ts';

/** An event checked and frozen at append time: later changes to the caller's object cannot reach the log. */
export interface PreparedAuditEvent {
  agent: string;
  type: string;
  dataJson: string;
  at: string | undefined;
}

const knownTypes: ReadonlySet<string> = new Set(auditEventTypes);
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Validates an event; throws InvalidInputError naming the bad field. A bad event is the writer's bug, not a store failure. */
export function prepareAuditEvent(event: AuditEventInput): PreparedAuditEvent {
  if (typeof event !== 'object' || event === null) throw new InvalidInputError('Audit event must be an object.');
  if (typeof event.agent !== 'string' || event.agent.length === 0) {
    throw new InvalidInputError('Audit event field agent must be a non-empty string.');
  }
  if (typeof event.type !== 'string' || !knownTypes.has(event.type)) {
    throw new InvalidInputError(
      `Audit event field type '${String(event.type)}' is not a known event type. Known types: ${auditEventTypes.join(', ')}.`,
    );
  }
  if (event.type === 'checkpoint') {
    throw new InvalidInputError('Audit event type checkpoint is written by the store itself, never appended.');
  }
  if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
    throw new InvalidInputError('Audit event field data must be a JSON object.');
  }
  let dataJson: string;
  try {
    dataJson = canonicalJson(event.data);
  } catch (error) {
    throw new InvalidInputError(`Audit event field data has no JSON form: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (event.at !== undefined && (typeof event.at !== 'string' || !isoTimestamp.test(event.at))) {
    throw new InvalidInputError(`Audit event field at '${String(event.at)}' must be an ISO-8601 timestamp.`);
  }
  return { agent: event.agent, type: event.type, dataJson, at: event.at };
}
