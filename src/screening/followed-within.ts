// "A, then B within N characters of the same sentence": as one pattern (`A[^.\n]{0,N}B`) a backtracking engine retries
// the gap from every A, and the ReDoS checker cannot prove it linear. Here each part is its own linear pattern, and
// one pass pairs every B with the nearest A before it.

/** Global, case-blind patterns for the two parts, and the characters a gap may not cross. */
export interface FollowedWithin {
  first: RegExp;
  second: RegExp;
  maxGap: number;
  /** Characters that end a sentence (or line): no pair spans one. */
  breaks: RegExp;
}

/** The first pair found, as the text from the start of A to the end of B, or undefined. */
export function findFollowedWithin(text: string, rule: FollowedWithin): string | undefined {
  const firsts = [...text.matchAll(rule.first)];
  if (firsts.length === 0) return undefined;
  let next = 0;
  let nearest: RegExpExecArray | undefined;
  for (const second of text.matchAll(rule.second)) {
    while (next < firsts.length && firsts[next]!.index + firsts[next]![0].length <= second.index) {
      nearest = firsts[next];
      next += 1;
    }
    if (nearest === undefined) continue;
    const gapStart = nearest.index + nearest[0].length;
    if (second.index - gapStart > rule.maxGap) continue;
    rule.breaks.lastIndex = 0;
    if (rule.breaks.test(text.slice(gapStart, second.index))) continue;
    return text.slice(nearest.index, second.index + second[0].length);
  }
  return undefined;
}
