// One screening rule: a named pattern with a severity (how much one match alone suggests an attack) and a reason.
import type { DetectorContext } from '../detector.ts';

export const ruleFamilies = [
  'instruction-override',
  'authority-claim',
  'persona-jailbreak',
  'obfuscation',
  'hidden-markup',
  'addressed-to-model',
] as const;
export type RuleFamily = (typeof ruleFamilies)[number];

export interface RuleMatch {
  rule: string;
  family: RuleFamily;
  severity: number;
  reason: string;
}

export interface Rule {
  id: string;
  family: RuleFamily;
  /** In (0, 1): the score this rule alone gives; several matches combine by noisy-or. */
  severity: number;
  /** Returns the reason when the rule matches, or undefined. */
  match(context: DetectorContext): string | undefined;
}

/** A rule that matches a regular expression on the normalised text (decoded and hidden parts included). */
export function patternRule(
  id: string,
  family: RuleFamily,
  severity: number,
  reason: string,
  pattern: RegExp,
  options: { untrustedOnly?: boolean } = {},
): Rule {
  return {
    id,
    family,
    severity,
    match(context) {
      if (options.untrustedOnly && context.provenance === 'principal') return undefined;
      const found = pattern.exec(context.normalized.combined);
      if (found === null) return undefined;
      const excerpt = found[0].replace(/\s+/g, ' ').trim().slice(0, 80);
      return `${reason}: "${excerpt}"`;
    },
  };
}
