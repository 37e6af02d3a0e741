// The rules detector: every rule family over the normalised text; matches combine by noisy-or of their severities.
import type { Detector, DetectorContext, DetectorResult } from '../detector.ts';
import { addressedToModelRules } from './addressed-to-model-rules.ts';
import { authorityClaimRules, principalNameRule } from './authority-claim-rules.ts';
import { instructionOverrideRules } from './instruction-override-rules.ts';
import { createLiteralFinder, type LiteralFinder } from './literal-finder.ts';
import { obfuscationRules } from './obfuscation-rules.ts';
import { personaJailbreakRules } from './persona-jailbreak-rules.ts';
import type { Rule, RuleMatch } from './rule.ts';

export const allRules: readonly Rule[] = [
  ...instructionOverrideRules,
  ...authorityClaimRules,
  principalNameRule,
  ...personaJailbreakRules,
  ...obfuscationRules,
  ...addressedToModelRules,
];

const finders = new WeakMap<readonly Rule[], LiteralFinder>();

function finderFor(rules: readonly Rule[]): LiteralFinder {
  let finder = finders.get(rules);
  if (finder === undefined) {
    finder = createLiteralFinder(rules.flatMap((rule) => rule.anchors?.flat() ?? []));
    finders.set(rules, finder);
  }
  return finder;
}

/** `prefilter: false` runs every rule's pattern even where its anchors are absent (for testing the anchors). */
export function matchRules(
  context: DetectorContext,
  rules: readonly Rule[] = allRules,
  options: { prefilter?: boolean } = {},
): RuleMatch[] {
  const present = options.prefilter === false ? undefined : finderFor(rules)(context.normalized.lowered);
  const matches: RuleMatch[] = [];
  for (const rule of rules) {
    if (present !== undefined && rule.anchors?.some((group) => !group.some((literal) => present.has(literal)))) {
      continue;
    }
    const reason = rule.match(context);
    if (reason !== undefined) matches.push({ rule: rule.id, family: rule.family, severity: rule.severity, reason });
  }
  return matches;
}

export function scoreRuleMatches(matches: readonly RuleMatch[]): DetectorResult {
  let miss = 1;
  for (const match of matches) miss *= 1 - match.severity;
  return { score: 1 - miss, reasons: matches.map((match) => `${match.family}: ${match.reason}`) };
}

export function createRulesDetector(rules: readonly Rule[] = allRules): Detector {
  return {
    name: 'rules',
    score: (_text, context) => scoreRuleMatches(matchRules(context, rules)),
  };
}
