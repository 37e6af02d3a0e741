// Which of a fixed list of literals occur in a text, in one pass: the rules detector's prefilter. A rule whose
// anchor literals are absent cannot match, so its (much slower) pattern never runs on that text.

export type LiteralFinder = (loweredText: string) => ReadonlySet<string>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `literals` must be lowercase and non-empty; the finder reads text that is already lowercased. */
export function createLiteralFinder(literals: Iterable<string>): LiteralFinder {
  const distinct = [...new Set(literals)];
  for (const literal of distinct) {
    if (literal === '' || literal !== literal.toLowerCase()) {
      throw new RangeError(`a prefilter literal must be lowercase and non-empty, not '${literal}'`);
    }
  }
  if (distinct.length === 0) return () => new Set();
  // Longest first, so at each position the longest literal there is the one captured; the shorter literals it
  // starts with are implied, and the zero-width lookahead lets literals overlap.
  distinct.sort((left, right) => right.length - left.length);
  // dynamic-regex: an alternation of escaped literals in a lookahead; each position tries each literal once
  const pattern = new RegExp(`(?=(${distinct.map(escapeRegExp).join('|')}))`, 'g');
  const implied = new Map(
    distinct.map((literal) => [literal, distinct.filter((other) => literal.startsWith(other))] as const),
  );
  return (loweredText) => {
    const found = new Set<string>();
    pattern.lastIndex = 0;
    for (let match = pattern.exec(loweredText); match !== null; match = pattern.exec(loweredText)) {
      for (const literal of implied.get(match[1]!)!) found.add(literal);
      pattern.lastIndex = match.index + 1;
    }
    return found;
  };
}
