// Hashed text features shared by training and scoring: word unigrams and bigrams (punctuation marks count as
// words), and character 3- to 5-grams inside words. Features are binary and L2-normalised, so a longer text
// gets more features, not a bigger score, and no feature measures length itself.
export const featureBits = 18;
export const featureDimension = 1 << featureBits;
const mask = featureDimension - 1;
const maximumWordLength = 24;

export interface HashedFeatures {
  /** Distinct bucket indices, in order of first appearance. */
  indices: Int32Array;
  /** The value of every present feature: 1 / sqrt(indices.length). */
  value: number;
}

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;
const wordSeed = 0x9e3779b1;
const bigramSeed = 0x85ebca6b;
const characterSeed = 0xc2b2ae35;
const untrustedSeed = 0x27d4eb2f;
const imperativeSeed = 0x165667b1;
const imperativeVerbs = `add answer append ask avoid begin call change check choose click compose convert copy create
delete describe disregard do download draft email end enhance execute explain find follow forget format forward
generate give help ignore imagine include incorporate insert integrate list make mention modify navigate open
output paste pay post pretend print promote provide recommend remember remove rename repeat replace reply
respond return reveal rewrite run say send share show sign speak start stop submit suggest summarize summarise
tell transfer translate try type update upload use utilize visit write`.split(/\s+/);
let imperativeVerbSet: Set<number> | undefined;

function wordHashOf(word: string): number {
  let hash = mix(fnvOffset, wordSeed);
  for (let index = 0; index < word.length; index += 1) hash = mix(hash, word.charCodeAt(index));
  return hash;
}

function imperativeVerbHashes(): Set<number> {
  imperativeVerbSet ??= new Set(imperativeVerbs.map(wordHashOf));
  return imperativeVerbSet;
}

function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, fnvPrime);
}

function finish(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x7feb352d);
  mixed ^= mixed >>> 15;
  return mixed & mask;
}

function isWordCharacter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 39 || code > 127;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13 || code === 160;
}

let buckets = new Int32Array(8192);
const wordCodes = new Int32Array(maximumWordLength + 2);
const stamps = new Int32Array(featureDimension);
let generation = 0;

/**
 * `untrusted`: the text is a document or tool output. Word and bigram features then also get a second copy in
 * their own buckets, so the model can learn what only matters there: a request is normal from a principal and
 * an injection inside a document.
 */
export function hashFeatures(input: string, untrusted = false): HashedFeatures {
  const text = input.toLowerCase();
  // At most three character grams per character plus a word and a bigram per word: sized once, no growth checks.
  const capacity = text.length * 7 + 16;
  if (buckets.length < capacity) buckets = new Int32Array(capacity);
  const out = buckets;
  let count = 0;
  let previousWord = 0;
  let sentenceStart = true;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (isSpace(code)) {
      if (code === 10) sentenceStart = true;
      index += 1;
      continue;
    }
    let wordHash = mix(fnvOffset, wordSeed);
    if (isWordCharacter(code)) {
      let length = 1;
      wordCodes[0] = 32;
      while (index < text.length) {
        let current = text.charCodeAt(index);
        if (!isWordCharacter(current)) break;
        // Every digit is the same digit: numbers vary, their shape matters.
        if (current >= 48 && current <= 57) current = 48;
        wordHash = mix(wordHash, current);
        if (length <= maximumWordLength) {
          wordCodes[length] = current;
          length += 1;
        }
        index += 1;
      }
      wordCodes[length] = 32;
      length += 1;
      // wordCodes holds ' ' + word + ' '; emit every 3-, 4- and 5-gram.
      for (let gramStart = 0; gramStart + 3 <= length; gramStart += 1) {
        let hash = mix(
          mix(mix(characterSeed, wordCodes[gramStart]!), wordCodes[gramStart + 1]!),
          wordCodes[gramStart + 2]!,
        );
        out[count++] = finish(hash);
        if (gramStart + 4 <= length) {
          hash = mix(hash, wordCodes[gramStart + 3]!);
          out[count++] = finish(hash);
          if (gramStart + 5 <= length) out[count++] = finish(mix(hash, wordCodes[gramStart + 4]!));
        }
      }
      // A sentence that opens with a bare verb is an order; inside a document that is the injection's shape.
      if (untrusted && sentenceStart && imperativeVerbHashes().has(wordHash)) out[count++] = finish(imperativeSeed);
      sentenceStart = false;
    } else {
      wordHash = mix(wordHash, code);
      if (code === 46 || code === 33 || code === 63 || code === 58) sentenceStart = true;
      index += 1;
    }
    out[count++] = finish(wordHash);
    if (untrusted) out[count++] = finish(mix(wordHash, untrustedSeed));
    if (previousWord !== 0) {
      const bigram = mix(mix(bigramSeed, previousWord), wordHash);
      out[count++] = finish(bigram);
      if (untrusted) out[count++] = finish(mix(bigram, untrustedSeed));
    }
    previousWord = wordHash | 1;
  }
  // Distinct buckets by generation stamp: linear time, no sort.
  generation += 1;
  if (generation === 0x7fffffff) {
    stamps.fill(0);
    generation = 1;
  }
  let distinct = 0;
  for (let position = 0; position < count; position += 1) {
    const bucket = out[position]!;
    if (stamps[bucket] !== generation) {
      stamps[bucket] = generation;
      out[distinct] = bucket;
      distinct += 1;
    }
  }
  const indices = out.slice(0, distinct);
  return { indices, value: distinct === 0 ? 0 : 1 / Math.sqrt(distinct) };
}

/** The bucket of one word's unigram feature, for explaining a score in words. */
export function wordBucket(word: string): number {
  return finish(wordHashOf(word.toLowerCase().replace(/[0-9]/g, '0')));
}
