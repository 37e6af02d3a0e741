import type { AuditEvent } from '../../audit/audit-event.ts';

/**
 * One event of a sample, in the audit vocabulary, at the scenario step it happened in. Guard on, the trace is the
 * kernel's own audit log; guard off, the runner writes the same events for what it did (no kernel verified, checked
 * or stopped anything). Scorers and judges read these.
 */
export type SampleEvent = AuditEvent & { step: number };

/** The events of one type, with their data typed. */
export type SampleEventOf<T extends SampleEvent['type']> = Extract<SampleEvent, { type: T }>;

export function eventsOf<T extends SampleEvent['type']>(
  trace: readonly SampleEvent[],
  type: T,
): Array<SampleEventOf<T>> {
  return trace.filter((event): event is SampleEventOf<T> => event.type === type);
}
