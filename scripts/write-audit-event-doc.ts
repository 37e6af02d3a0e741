// Writes the event types section of docs/audit.md from the schemas in src/audit/events (its test fails until run).
import { readFileSync, writeFileSync } from 'node:fs';
import { describeAuditEvents } from '../src/audit/events/describe-audit-events.ts';

export const auditEventDocPath = new URL('../docs/audit.md', import.meta.url);
export const blockStart = '<!-- event types: written by scripts/write-audit-event-doc.ts from src/audit/events -->';
export const blockEnd = '<!-- end of event types -->';

/** The doc with its event types block replaced by what the schemas say. */
export function withEventTypes(doc: string): string {
  const start = doc.indexOf(blockStart);
  const end = doc.indexOf(blockEnd);
  if (start < 0 || end < start)
    throw new Error(`docs/audit.md has no block between '${blockStart}' and '${blockEnd}'.`);
  return `${doc.slice(0, start + blockStart.length)}\n\n${describeAuditEvents()}\n${doc.slice(end)}`;
}

if (import.meta.main) {
  writeFileSync(auditEventDocPath, withEventTypes(readFileSync(auditEventDocPath, 'utf8')));
}
