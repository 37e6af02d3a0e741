import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditEventDocPath, withEventTypes } from '../scripts/write-audit-event-doc.ts';
import { auditEventTypes } from '../src/audit/audit-event.ts';

describe('docs/audit.md lists the event types', () => {
  const doc = readFileSync(auditEventDocPath, 'utf8');

  it('as the schemas define them (run node scripts/write-audit-event-doc.ts after changing one)', () => {
    expect(doc).toBe(withEventTypes(doc));
  });

  it('every type, each once', () => {
    const listed = [...doc.matchAll(/^#### `([a-z-]+)`$/gm)].map((match) => match[1]);
    expect(listed).toEqual(auditEventTypes);
  });

  it('and would show a schema change: a doc without the block is refused, one with a stale block is rewritten', () => {
    expect(() => withEventTypes('# no block')).toThrow(/has no block/);
    const stale = doc.replace('- `graceMs`: integer', '- `graceMs`: string');
    expect(stale).not.toBe(doc);
    expect(withEventTypes(stale)).toBe(doc);
  });
});
