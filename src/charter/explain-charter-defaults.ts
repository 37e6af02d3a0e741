import type { Charter } from './charter-schema.ts';
import { describeCharterRules, describePolicy } from './describe-charter.ts';

const defaultedSections = ['authority', 'conflict', 'lease', 'succession', 'clock', 'stop', 'policy', 'screening'];

/**
 * Lines saying what the charter means, marking the rules that come from defaults because `written` (the file as
 * parsed, before defaults) left them out, so a user sees what they agreed to without writing it.
 */
export function explainCharterDefaults(charter: Charter, written: unknown): string[] {
  const isWritten = (field: string): boolean => {
    let value: unknown = written;
    for (const part of field.split('.')) {
      if (typeof value !== 'object' || value === null || !(part in value)) return false;
      value = (value as Record<string, unknown>)[part];
    }
    return true;
  };
  const mark = (field: string, text: string) => `${isWritten(field) ? '' : '(default) '}${text}`;
  const missing = defaultedSections.filter((section) => !isWritten(section));
  return [
    ...describeCharterRules(charter).map((line) => mark(line.field, line.text)),
    ...describePolicy(charter).map((text) => mark('policy', text)),
    missing.length === 0 ? 'Every section is written out.' : `Sections filled in from defaults: ${missing.join(', ')}.`,
  ];
}
