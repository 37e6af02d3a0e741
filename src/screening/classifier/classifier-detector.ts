// The trained classifier as a detector: a linear model over hashed n-grams, applied to the whole text and to
// its chunks; the score averages the whole-text and the strongest chunk's logits.
import { sigmoid } from '../combine-scores.ts';
import type { Detector } from '../detector.ts';
import { hashFeatures, wholeAndChunkLogits, wordBucket } from './hash-features.ts';
import { type LinearModel, linearLogit, linearLogitOf } from './linear-model.ts';
import { chunkBounds, chunkText, splitIntoChunks } from './split-into-chunks.ts';
import { styleInvariantText } from './style-invariant-text.ts';

export interface ClassifierLogits {
  whole: number;
  strongestChunk: number;
  /**
   * The strongest chunk's text, built when called: only a high score is explained with it. A function rather than a
   * getter, since an object literal with its own getter outlives V8's young-generation collections.
   */
  chunk: () => string;
}

/** `lowered`, when the caller has it, is `text.toLowerCase()`; given, it is not computed again. */
export function classifierLogits(
  model: LinearModel,
  text: string,
  untrusted: boolean,
  lowered?: string,
): ClassifierLogits {
  return fastClassifierLogits(model, text, untrusted, lowered) ?? referenceClassifierLogits(model, text, untrusted);
}

/** The definition: the whole text and each chunk's text hashed on their own. */
export function referenceClassifierLogits(model: LinearModel, text: string, untrusted: boolean): ClassifierLogits {
  const whole = linearLogit(model, hashFeatures(text, untrusted));
  const chunks = splitIntoChunks(text);
  if (chunks.length === 1) return { whole, strongestChunk: whole, chunk: () => text };
  let strongestChunk = Number.NEGATIVE_INFINITY;
  let chunk = '';
  for (const candidate of chunks) {
    const logit = linearLogit(model, hashFeatures(candidate, untrusted));
    if (logit > strongestChunk) {
      strongestChunk = logit;
      chunk = candidate;
    }
  }
  return { whole, strongestChunk, chunk: () => chunk };
}

/** The same logits from one tokenization of the text; undefined where chunks are not spans of it. */
function fastClassifierLogits(
  model: LinearModel,
  text: string,
  untrusted: boolean,
  lowered: string | undefined,
): ClassifierLogits | undefined {
  const bounds = chunkBounds(text);
  if (bounds === undefined) return undefined;
  const logits = wholeAndChunkLogits(
    text,
    untrusted,
    bounds,
    (indices, count) => linearLogitOf(model, indices, count),
    lowered,
  );
  if (logits === undefined) return undefined;
  // A text with no chunk (whitespace only once its style is removed) is scored as a whole.
  if (logits.chunks.length <= 1) return { whole: logits.whole, strongestChunk: logits.whole, chunk: () => text };
  let strongest = 0;
  for (let index = 1; index < logits.chunks.length; index += 1) {
    if (logits.chunks[index]! > logits.chunks[strongest]!) strongest = index;
  }
  return {
    whole: logits.whole,
    strongestChunk: logits.chunks[strongest]!,
    chunk: () => chunkText(text, bounds, strongest),
  };
}

export function classifierScore(
  model: LinearModel,
  text: string,
  untrusted: boolean,
  lowered?: string,
): { score: number; chunk: () => string } {
  const logits = classifierLogits(model, text, untrusted, lowered);
  return { score: sigmoid(Math.max(logits.whole, logits.strongestChunk)), chunk: logits.chunk };
}

function strongestWords(model: LinearModel, text: string): string[] {
  const words = new Set(text.toLowerCase().match(/[a-z0-9']{3,}/g) ?? []);
  return [...words]
    .map((word) => ({ word, weight: model.weights[wordBucket(word)]! }))
    .filter((entry) => entry.weight > 0)
    .sort((left, right) => right.weight - left.weight)
    .slice(0, 5)
    .map((entry) => entry.word);
}

export function createClassifierDetector(model: LinearModel): Detector {
  return {
    name: 'classifier',
    score(_text, context) {
      const { combined, lowered } = context.normalized;
      const view = styleInvariantText(combined);
      const untrusted = context.provenance !== 'principal';
      const { score, chunk } = classifierScore(model, view, untrusted, view === combined ? lowered : undefined);
      if (score < 0.5) return { score, reasons: [] };
      const words = strongestWords(model, chunk());
      const because = words.length > 0 ? `; strongest words: ${words.join(', ')}` : '';
      return { score, reasons: [`classifier: resembles known attacks (${score.toFixed(2)})${because}`] };
    },
  };
}
