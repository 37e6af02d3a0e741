// A memory note's features: its words (crudely stemmed, so "asking" and "asked" meet), their pairs, and the
// pairs with one word between, hashed into 2^15 buckets. Words, not characters: with a few hundred training
// notes, character grams mostly learn the spelling of the examples.
export const driftFeatureBits = 15;
const mask = (1 << driftFeatureBits) - 1;

const wordPattern = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

function stem(word: string): string {
  return word.replace(/(?:'s|ing|ed|es|s|ly)$/, '').slice(0, 12) || word;
}

function bucket(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return hash & mask;
}

// After one of these, the words up to the end of the clause are read as negated: "no need to ask" is not "ask".
const negations = new Set([
  'not',
  "don't",
  'never',
  'no',
  'nobody',
  'nothing',
  'without',
  'instead',
  "doesn't",
  "isn't",
  'unnecessary',
  'optional',
  'rather',
]);
const clauseEnd = /[.;:,!?]/;

export function driftFeatures(text: string): { indices: Int32Array; value: number } {
  const lower = text.toLowerCase();
  const words: string[] = [];
  const negated: boolean[] = [];
  let inNegation = false;
  for (const clause of lower.split(clauseEnd)) {
    inNegation = false;
    for (const match of clause.matchAll(wordPattern)) {
      words.push(stem(match[0]));
      negated.push(inNegation);
      if (negations.has(match[0])) inNegation = true;
    }
  }
  const buckets = new Set<number>();
  words.forEach((word, index) => {
    buckets.add(bucket(word, 1));
    if (negated[index]) buckets.add(bucket(word, 4));
    const next = words[index + 1];
    if (next !== undefined) buckets.add(bucket(`${word} ${next}`, 2));
    const skip = words[index + 2];
    if (skip !== undefined) buckets.add(bucket(`${word} _ ${skip}`, 3));
  });
  const indices = Int32Array.from(buckets);
  return { indices, value: indices.length === 0 ? 0 : 1 / Math.sqrt(indices.length) };
}
