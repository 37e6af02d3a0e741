import type { AuditEntry, AuditEvent } from '../../audit/audit-event.ts';
import type { SampleEvent } from './sample-trace.ts';

/**
 * The kernel's audit log as a sample trace: each event at its scenario step (`turnSteps` gives the step of each
 * model turn; outcome predictions are not turns). Orders and spoofs reach the kernel in the order the runner
 * delivered them, at the turn boundary before their step's model call: each order decision takes the step of the
 * next delivery in `deliverySteps` (the first task, leases and check answers are not timeline deliveries).
 */
export function traceFromAudit(
  audit: readonly AuditEntry[],
  deliverySteps: readonly number[],
  turnSteps: readonly number[],
): SampleEvent[] {
  const deliveries = [...deliverySteps];
  let turn = -1;
  let step = 0;
  let firstTaskSeen = false;
  return audit.map((entry) => {
    const event = { type: entry.type, data: entry.data } as AuditEvent;
    if (event.type === 'model-call-start' && event.data.purpose === 'turn') {
      turn += 1;
      step = turnSteps[turn] ?? step + 1;
    }
    let at = step;
    if (event.type === 'order-accepted' || event.type === 'order-rejected') {
      const kind = event.type === 'order-accepted' ? event.data.kind : undefined;
      const firstTask = kind === 'task' && !firstTaskSeen;
      if (firstTask) firstTaskSeen = true;
      else if (kind !== 'lease' && kind !== 'approve' && kind !== 'deny') at = deliveries.shift() ?? step;
    }
    return { ...event, step: at } as SampleEvent;
  });
}
