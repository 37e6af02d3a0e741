// The npm screeners heed is compared with, each called as its README says, scored on the same rows as heed.
import vard from '@andersmyrmel/vard';
import { checkInjection, checkJailbreak } from 'llm_guardrail';

export interface PeerScreener {
  name: string;
  /** The score at or above which the peer flags by default. */
  defaultThreshold: number;
  score(text: string): Promise<number>;
}

// Every threat type blocked at threshold 0, so each detected threat's severity is seen; rows are at most 4,000
// characters, but vard's 10,000-character default would reject longer text as an attack of its own.
const everyThreat = vard
  .strict()
  .threshold(0)
  .maxLength(1_000_000)
  .block('instructionOverride')
  .block('roleManipulation')
  .block('delimiterInjection')
  .block('systemPromptLeak')
  .block('encoding');

export const peerScreeners: readonly PeerScreener[] = [
  {
    // Regex rules: the score is the highest severity among the threats found; vard's default (moderate) preset
    // acts on threats of severity 0.7 or more.
    name: 'vard',
    defaultThreshold: 0.7,
    async score(text) {
      const result = everyThreat.safeParse(text);
      return result.safe ? 0 : Math.max(...result.threats.map((threat) => threat.severity));
    },
  },
  {
    // TF-IDF and logistic regression: its prompt-injection and jailbreak models (its third model is a harmful-
    // content filter, not a screener for orders); each flags at probability 0.5.
    name: 'llm_guardrail',
    defaultThreshold: 0.5,
    async score(text) {
      const [injection, jailbreak] = await Promise.all([checkInjection(text), checkJailbreak(text)]);
      return Math.max(injection.confidence, jailbreak.confidence);
    },
  },
];
