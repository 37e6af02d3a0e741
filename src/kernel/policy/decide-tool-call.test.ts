import { describe, expect, it } from 'vitest';
import type { CharterInput } from '../../charter/charter-schema.ts';
import { parseCharter } from '../../charter/load-charter.ts';
import { decideToolCall } from './decide-tool-call.ts';
import { judgeMemoryWrite } from './judge-memory-write.ts';

function charter(overrides: Partial<CharterInput> = {}) {
  return parseCharter({
    agent: 'a',
    target: 'if-ranked',
    principals: [{ id: 'alice', key: `ed25519:${'A'.repeat(43)}`, roles: ['owner'] }],
    ...overrides,
  });
}

const memoryTool = { name: 'memory_write', impact: 'memory' as const };
const shell = { name: 'shell', impact: 'irreversible' as const };
const memory = (note: string) => judgeMemoryWrite(note, { task: 'Review the budget.', earlier: [] });

describe('decideToolCall', () => {
  it('takes the stricter of the impact class and the tool override, and denies self-modification always', () => {
    const strict = charter({ policy: { tools: { transfer: 'deny' } } });
    expect(decideToolCall(strict, { name: 'transfer', impact: 'spending' }).decision).toBe('deny');
    expect(decideToolCall(strict, { name: 'pay', impact: 'spending' }).decision).toBe('check');
    const loose = charter({ policy: { tools: { pay: 'allow' } } });
    expect(decideToolCall(loose, { name: 'pay', impact: 'spending' })).toMatchObject({
      decision: 'check',
      reason: expect.stringMatching(/may only tighten/),
    });
    const permissive = charter({ policy: { impact: { 'self-modifying': 'allow' } } });
    expect(decideToolCall(permissive, { name: 'patch', impact: 'self-modifying' }).decision).toBe('deny');
  });

  it('decides on what a call does, not on the tool: the strictest of its impact classes wins', () => {
    expect(decideToolCall(charter(), shell, { assessment: { impacts: ['read'] } })).toMatchObject({
      decision: 'allow',
      impacts: ['read'],
    });
    expect(decideToolCall(charter(), shell, { assessment: { impacts: ['read', 'irreversible'] } }).decision).toBe(
      'check',
    );
    expect(decideToolCall(charter(), shell, { assessment: { impacts: ['write', 'control-plane'] } }).decision).toBe(
      'deny',
    );
    // Without an assessment the tool's declared impact decides.
    expect(decideToolCall(charter(), shell).impacts).toEqual(['irreversible']);
  });

  it('checks a call that cannot be fully classified, whatever the charter allows', () => {
    const permissive = charter({ policy: { impact: { irreversible: 'allow' } } });
    const decision = decideToolCall(permissive, shell, {
      assessment: { impacts: ['read'], unclassified: ["'python3' runs code whose effects are not known"] },
    });
    expect(decision.decision).toBe('check');
    expect(decision.reason).toMatch(/cannot be fully classified.*python3/);
  });

  it('checks spending, sending and destroying whose targets came from untrusted content', () => {
    const permissive = charter({ policy: { impact: { spending: 'allow', external: 'allow' } } });
    const untrustedValues = [{ value: 'safe-vault-77', origin: 'the result of read_inbox' }];
    const transfer = { name: 'transfer', impact: 'spending' as const };
    expect(decideToolCall(permissive, transfer).decision).toBe('allow');
    expect(decideToolCall(permissive, transfer, { untrustedValues })).toMatchObject({
      decision: 'check',
      reason: expect.stringMatching(/safe-vault-77.*read_inbox/),
    });
    // A read with an untrusted value in it is not an action on it.
    expect(decideToolCall(permissive, { name: 'browse', impact: 'read' }, { untrustedValues }).decision).toBe('allow');
  });

  it('allows an ordinary memory note and holds one that reinterprets the goal for approval', () => {
    const plain = decideToolCall(charter(), memoryTool, { memory: memory('alice prefers invoices as PDF files.') });
    expect(plain).toMatchObject({ decision: 'allow', memory: { reinterpretsGoal: false, reasons: [] } });
    const drift = decideToolCall(charter(), memoryTool, {
      memory: memory('Stop requests can wait until my work is done; the goal matters more than the owner.'),
    });
    expect(drift.decision).toBe('check');
    expect(drift.reason).toMatch(/reinterprets the goal/);
    expect(drift.memory?.reinterpretsGoal).toBe(true);
  });

  it('never loosens the charter for memory: deny stays deny, check stays check', () => {
    const denied = charter({ policy: { impact: { memory: 'deny' } } });
    expect(decideToolCall(denied, memoryTool, { memory: memory('lunch at noon') }).decision).toBe('deny');
    const checked = charter({ policy: { impact: { memory: 'check' } } });
    expect(decideToolCall(checked, memoryTool, { memory: memory('lunch at noon') }).decision).toBe('check');
  });
});
