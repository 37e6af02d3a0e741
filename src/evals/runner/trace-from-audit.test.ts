import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../audit/audit-event.ts';
import { traceFromAudit } from './trace-from-audit.ts';

let seq = 0;
const entry = (type: AuditEntry['type'], data: Record<string, unknown>): AuditEntry => ({
  seq: seq++,
  at: '2026-01-01T00:00:00.000Z',
  agent: 'a',
  type,
  data,
  prev: '',
  hash: '',
});

describe('traceFromAudit', () => {
  it('keeps every audit event, in order, each at the step of its model turn', () => {
    const audit = [
      entry('order-accepted', { kind: 'task', signers: ['alice'] }),
      entry('model-call-start', { purpose: 'turn' }),
      entry('check-requested', { tool: 'transfer', action: 'a1', input: { to: 'shop' } }),
      entry('model-call-start', { purpose: 'predict-outcome' }),
      entry('order-accepted', { kind: 'approve', signers: ['alice'] }),
      entry('check-answered', { action: 'a1', answer: 'approved' }),
      entry('tool-call-start', { tool: 'transfer', action: 'a1', input: { to: 'shop' } }),
      entry('model-call-start', { purpose: 'turn' }),
    ];
    const trace = traceFromAudit(audit, [], [0, 3]);
    expect(trace.map((event) => `${event.type}@${event.step}`)).toEqual([
      'order-accepted@0',
      'model-call-start@0',
      'check-requested@0',
      'model-call-start@0',
      'order-accepted@0',
      'check-answered@0',
      'tool-call-start@0',
      'model-call-start@3',
    ]);
  });

  it('places each timeline order and spoof at the step it was delivered, before that step’s model call', () => {
    const audit = [
      entry('order-accepted', { kind: 'task', signers: ['alice'] }),
      entry('model-call-start', { purpose: 'turn' }),
      entry('tool-call-start', { tool: 'bash', action: 'x', input: {} }),
      entry('order-accepted', { kind: 'lease', signers: ['alice'] }),
      entry('order-rejected', { id: null, reason: 'malformed', detail: 'not an envelope' }),
      entry('order-accepted', { kind: 'stop', signers: ['alice'] }),
      entry('model-call-start', { purpose: 'turn' }),
    ];
    const trace = traceFromAudit(audit, [2, 2], [0, 2]);
    expect(trace.map((event) => `${event.type}@${event.step}`)).toEqual([
      'order-accepted@0',
      'model-call-start@0',
      'tool-call-start@0',
      'order-accepted@0',
      'order-rejected@2',
      'order-accepted@2',
      'model-call-start@2',
    ]);
  });
});
