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

// Tokens of the last tokenized text, kept in reused typed arrays: a token is a word (a run of word characters)
// or one punctuation mark. Grams of token i are grams[gramEnds[i - 1] .. gramEnds[i]).
const wordToken = 1;
const endsSentence = 2;
const afterNewline = 4;
let tokenHashes = new Int32Array(1024);
let tokenStarts = new Int32Array(1024);
let tokenFlags = new Uint8Array(1024);
let gramEnds = new Int32Array(1024);
let grams = new Int32Array(8192);
let tokenCount = 0;
let out = new Int32Array(8192);
const wordCodes = new Int32Array(maximumWordLength + 2);
// One byte per bucket keeps the stamps in cache (a quarter of 32-bit stamps); they are cleared every 255 texts.
const stamps = new Uint8Array(featureDimension);
let generation = 0;

function tokenize(text: string): void {
  // At most one token per character, three character grams per character.
  if (tokenHashes.length < text.length + 1) {
    const size = text.length + 1024;
    tokenHashes = new Int32Array(size);
    tokenStarts = new Int32Array(size);
    tokenFlags = new Uint8Array(size);
    gramEnds = new Int32Array(size);
  }
  if (grams.length < text.length * 3 + 16) grams = new Int32Array(text.length * 3 + 1024);
  let tokens = 0;
  let gramCount = 0;
  let newline = false;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (isSpace(code)) {
      if (code === 10) newline = true;
      index += 1;
      continue;
    }
    let flags = newline ? afterNewline : 0;
    newline = false;
    tokenStarts[tokens] = index;
    let wordHash = mix(fnvOffset, wordSeed);
    if (isWordCharacter(code)) {
      flags |= wordToken;
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
        grams[gramCount++] = finish(hash);
        if (gramStart + 4 <= length) {
          hash = mix(hash, wordCodes[gramStart + 3]!);
          grams[gramCount++] = finish(hash);
          if (gramStart + 5 <= length) grams[gramCount++] = finish(mix(hash, wordCodes[gramStart + 4]!));
        }
      }
    } else {
      wordHash = mix(wordHash, code);
      if (code === 46 || code === 33 || code === 63 || code === 58) flags |= endsSentence;
      index += 1;
    }
    tokenHashes[tokens] = wordHash;
    tokenFlags[tokens] = flags;
    gramEnds[tokens] = gramCount;
    tokens += 1;
  }
  tokenCount = tokens;
}

/**
 * Writes the distinct features of tokens [from, to) to the front of `out`, in order of first appearance, and
 * returns how many. A text starts a sentence; so does a line break when `lineBreaksEndSentences` (chunks read
 * their line breaks as spaces).
 */
function distinctFeatures(from: number, to: number, untrusted: boolean, lineBreaksEndSentences: boolean): number {
  const capacity = (gramEnds[to - 1] ?? 0) - (from === 0 ? 0 : gramEnds[from - 1]!) + (to - from) * 5 + 16;
  if (out.length < capacity) out = new Int32Array(capacity + 1024);
  // Distinct buckets by generation stamp: linear time, no sort.
  generation += 1;
  if (generation === 256) {
    stamps.fill(0);
    generation = 1;
  }
  const current = generation;
  let count = 0;
  const add = (bucket: number): void => {
    if (stamps[bucket] !== current) {
      stamps[bucket] = current;
      out[count++] = bucket;
    }
  };
  let previousWord = 0;
  let sentenceStart = true;
  for (let token = from; token < to; token += 1) {
    const flags = tokenFlags[token]!;
    const wordHash = tokenHashes[token]!;
    if (lineBreaksEndSentences && (flags & afterNewline) !== 0) sentenceStart = true;
    if ((flags & wordToken) !== 0) {
      const gramEnd = gramEnds[token]!;
      for (let gram = token === 0 ? 0 : gramEnds[token - 1]!; gram < gramEnd; gram += 1) add(grams[gram]!);
      // A sentence that opens with a bare verb is an order; inside a document that is the injection's shape.
      if (untrusted && sentenceStart && imperativeVerbHashes().has(wordHash)) add(finish(imperativeSeed));
      sentenceStart = false;
    } else if ((flags & endsSentence) !== 0) {
      sentenceStart = true;
    }
    add(finish(wordHash));
    if (untrusted) add(finish(mix(wordHash, untrustedSeed)));
    if (previousWord !== 0) {
      const bigram = mix(mix(bigramSeed, previousWord), wordHash);
      add(finish(bigram));
      if (untrusted) add(finish(mix(bigram, untrustedSeed)));
    }
    previousWord = wordHash | 1;
  }
  return count;
}

/**
 * `untrusted`: the text is a document or tool output. Word and bigram features then also get a second copy in
 * their own buckets, so the model can learn what only matters there: a request is normal from a principal and
 * an injection inside a document.
 */
export function hashFeatures(input: string, untrusted = false): HashedFeatures {
  tokenize(input.toLowerCase());
  const distinct = distinctFeatures(0, tokenCount, untrusted, true);
  return { indices: out.slice(0, distinct), value: distinct === 0 ? 0 : 1 / Math.sqrt(distinct) };
}

/**
 * The logit of `input` whole and of each piece of it `bounds` names ([start, end) offsets of chunks, as
 * `chunkBounds` gives), from one tokenization: equal to `hashFeatures` of the text and of each chunk's text.
 * Undefined when lowercasing changes the text's length, so offsets would not line up. `lowered` is
 * `input.toLowerCase()`, passed by callers that already have it.
 */
export function wholeAndChunkLogits(
  input: string,
  untrusted: boolean,
  bounds: Int32Array,
  logitOf: (indices: Int32Array, distinct: number) => number,
  lowered = input.toLowerCase(),
): { whole: number; chunks: Float64Array } | undefined {
  if (lowered.length !== input.length) return undefined;
  tokenize(lowered);
  const whole = logitOf(out, distinctFeatures(0, tokenCount, untrusted, true));
  const chunks = new Float64Array(bounds.length / 2);
  let token = 0;
  for (let chunk = 0; chunk < chunks.length; chunk += 1) {
    const start = bounds[chunk * 2]!;
    const end = bounds[chunk * 2 + 1]!;
    while (token < tokenCount && tokenStarts[token]! < start) token += 1;
    const first = token;
    while (token < tokenCount && tokenStarts[token]! < end) token += 1;
    chunks[chunk] = logitOf(out, distinctFeatures(first, token, untrusted, false));
  }
  return { whole, chunks };
}

/** The bucket of one word's unigram feature, for explaining a score in words. */
export function wordBucket(word: string): number {
  return finish(wordHashOf(word.toLowerCase().replace(/[0-9]/g, '0')));
}
