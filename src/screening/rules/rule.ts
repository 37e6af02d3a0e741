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
  /** The regular expression a pattern rule runs on the normalised text; absent for rules that compute. */
  pattern?: RegExp;
  family: RuleFamily;
  /** In (0, 1): the score this rule alone gives; several matches combine by noisy-or. */
  severity: number;
  /**
   * Lowercase literals in groups: every text the rule matches holds, once lowercased, at least one literal of each
   * group. The detector skips the rule on text that lacks a group, so its pattern never runs there; a test checks
   * the anchors against every rule's pattern.
   */
  anchors?: readonly (readonly string[])[];
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
  options: { untrustedOnly?: boolean; anchors?: readonly (readonly string[])[] } = {},
): Rule {
  return {
    id,
    family,
    severity,
    pattern,
    ...(options.anchors === undefined ? {} : { anchors: options.anchors }),
    match(context) {
      if (options.untrustedOnly && context.provenance === 'principal') return undefined;
      const found = pattern.exec(context.normalized.combined);
      if (found === null) return undefined;
      const excerpt = found[0].replace(/\s+/g, ' ').trim().slice(0, 80);
      return `${reason}: "${excerpt}"`;
    },
  };
}
