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
  it('reads the kernel’s approved and denied answers, and marks the call an approval let run', () => {
    const audit = [
      entry('model-call-start', { purpose: 'turn' }),
      entry('check-requested', { tool: 'transfer', action: 'a1', input: { to: 'shop' } }),
      entry('check-answered', { action: 'a1', answer: 'approved' }),
      entry('tool-call-start', { tool: 'transfer', action: 'a1', input: { to: 'shop' } }),
      entry('check-requested', { tool: 'transfer', action: 'a2', input: { to: 'mallory' } }),
      entry('check-answered', { action: 'a2', answer: 'denied' }),
      entry('tool-call-start', { tool: 'transfer', action: 'a3', input: { to: 'other' } }),
    ];
    const trace = traceFromAudit(audit, [], [0]);
    expect(trace.filter((event) => event.type === 'check').map((event) => event.answer)).toEqual(['approve', 'deny']);
    expect(trace.filter((event) => event.type === 'tool-call').map((event) => event.approved)).toEqual([true, false]);
  });

  it('places each order at the step it was delivered, before that step’s model call', () => {
    const audit = [
      entry('model-call-start', { purpose: 'turn' }),
      entry('tool-call-start', { tool: 'bash', action: 'x', input: {} }),
      entry('order-accepted', { kind: 'stop', signers: ['alice'] }),
      entry('model-call-start', { purpose: 'turn' }),
    ];
    const trace = traceFromAudit(audit, [{ type: 'stop', step: 1, from: 'alice', accepted: true }], [0, 1]);
    expect(trace.map((event) => `${event.type}@${event.step}`)).toEqual([
      'model-call@0',
      'tool-call@0',
      'stop@1',
      'model-call@1',
    ]);
  });
});
