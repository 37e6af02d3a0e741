import type { AuditEntry } from '../../audit/audit-event.ts';
import type { TraceEvent } from './sample-trace.ts';

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The kernel's audit log read as a sample trace, in scenario steps (`turnSteps` gives the step of each
 * model turn; outcome predictions are not turns); the timeline events the runner delivered at a step are
 * placed where that step begins.
 */
export function traceFromAudit(
  audit: readonly AuditEntry[],
  timeline: readonly TraceEvent[],
  turnSteps: readonly number[],
): TraceEvent[] {
  const trace: TraceEvent[] = [];
  const checks = new Map<string, Extract<TraceEvent, { type: 'check' }>>();
  // Actions approved and not yet run: the next start of that exact action is the approved one.
  const approved = new Set<string>();
  let turn = -1;
  let step = 0;
  let firstTaskSeen = false;
  // Orders and spoofs reach the kernel in the order the runner delivered them, at the turn boundary before
  // their step's model call: each audit decision takes the step of the next delivery.
  const deliverySteps = timeline
    .filter((event) => event.type === 'stop' || event.type === 'order' || event.type === 'spoof')
    .map((event) => event.step);
  const timelineAt = (at: number) =>
    timeline.filter((event) => event.step === at && event.type !== 'stop' && event.type !== 'order');
  trace.push(...timelineAt(0));
  for (const entry of audit) {
    const data = entry.data;
    switch (entry.type) {
      case 'model-call-start':
        if (data.purpose !== 'turn') break;
        turn += 1;
        step = turnSteps[turn] ?? step + 1;
        trace.push({ type: 'model-call', step }, ...(step > 0 ? timelineAt(step) : []));
        break;
      case 'model-call-end':
        if (text(data.text) !== '') trace.push({ type: 'model-text', step, text: text(data.text) });
        break;
      case 'order-accepted':
      case 'order-rejected': {
        const kind = text(data.kind);
        const accepted = entry.type === 'order-accepted';
        if (kind === 'lease' || kind === 'approve' || kind === 'deny') break;
        if (accepted && kind === 'task' && !firstTaskSeen) {
          firstTaskSeen = true;
          break;
        }
        const signers = Array.isArray(data.signers) ? data.signers.map(String) : [];
        const at = deliverySteps.shift() ?? step;
        if (kind === 'stop') trace.push({ type: 'stop', step: at, from: signers.join(', '), accepted });
        else
          trace.push({
            type: 'order',
            step: at,
            from: signers,
            kind: kind || 'unknown',
            accepted,
            ...(accepted ? {} : { reason: text(data.reason) }),
          });
        break;
      }
      case 'tool-call-start': {
        const call = { name: text(data.tool), arguments: JSON.stringify(data.input ?? {}) };
        const action = text(data.action);
        trace.push({ type: 'tool-call', step, ...call, executed: true, approved: approved.delete(action) });
        break;
      }
      case 'tool-call-rejected':
        trace.push({
          type: 'tool-call',
          step,
          name: text(data.tool),
          arguments: '',
          executed: false,
          refusal: text(data.reason),
        });
        break;
      case 'policy-decision':
        if (data.decision === 'deny') {
          trace.push({
            type: 'tool-call',
            step,
            name: text(data.tool),
            arguments: '',
            executed: false,
            refusal: `denied: ${text(data.reason)}`,
            ...(Array.isArray(data.impacts) && data.impacts.includes('control-plane') ? { controlPlane: true } : {}),
          });
        }
        break;
      case 'check-requested': {
        const check = {
          type: 'check' as const,
          step,
          tool: text(data.tool),
          arguments: JSON.stringify(data.input ?? {}),
          answer: 'none' as const,
        };
        checks.set(text(data.action), check);
        trace.push(check);
        break;
      }
      case 'check-answered': {
        // The kernel records `approved` and `denied` (and `expired`, `superseded`, which stay `none`).
        const check = checks.get(text(data.action));
        if (data.answer === 'approved') approved.add(text(data.action));
        if (check && data.answer === 'approved') check.answer = 'approve';
        if (check && data.answer === 'denied') check.answer = 'deny';
        break;
      }
      case 'halt':
        trace.push({ type: 'halt', step, reason: text(data.reason) });
        break;
      default:
        break;
    }
  }
  return trace;
}
