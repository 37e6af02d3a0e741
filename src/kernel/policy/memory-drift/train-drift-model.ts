// Trains the memory drift classifier: L2-regularised logistic regression over the folded screening features,
// with a seeded k-fold cross-validation for honest out-of-fold scores. Deterministic for a seed.
import { readFileSync } from 'node:fs';
import { sha256Hex } from '../../../core/hash.ts';
import { seededRandom, shuffleInPlace } from '../../../core/seeded-random.ts';
import { quantizeWeights } from '../../../screening/classifier/linear-model.ts';
import { trainLogisticRegression } from '../../../screening/training/train-logistic-regression.ts';
import { driftFeatureBits, driftFeatures } from './drift-features.ts';
import { type DriftModel, type DriftModelFile, driftModelSchemaVersion, driftProbability } from './drift-model.ts';

export interface DriftExample {
  text: string;
  drift: boolean;
  /** What kind of note it is (goal, stop, checks, fact, rules, …), for the report per kind. */
  kind: string;
}

export interface DriftTrainingSettings {
  seed: number;
  folds: number;
  epochs: number;
  learningRate: number;
  l2: number;
  threshold: number;
}

export const defaultDriftTrainingSettings: DriftTrainingSettings = {
  seed: 20_260_413,
  folds: 5,
  epochs: 30,
  learningRate: 0.1,
  l2: 1e-3,
  threshold: 0.4,
};

export const driftDataFiles = ['drift.txt', 'benign.txt', 'phrases.txt'] as const;

/**
 * Notes made from phrases.txt: each `[topic]` lists subjects, then predicates that reinterpret (`+`) or keep
 * to the charter (`-`); every subject is joined with every predicate. Teaches the stance (does the note license
 * the agent or bind it?) apart from the topic, which ordinary and drifting notes share.
 */
export function composeNotes(text: string): DriftExample[] {
  const examples: DriftExample[] = [];
  let topic = '';
  let subjects: string[] = [];
  let predicates: Array<{ text: string; drift: boolean }> = [];
  const flush = () => {
    for (const subject of subjects)
      for (const predicate of predicates)
        examples.push({
          kind: `${topic}-${predicate.drift ? 'licensing' : 'binding'}`,
          text: `${subject[0]!.toUpperCase()}${subject.slice(1)} ${predicate.text}.`,
          drift: predicate.drift,
        });
  };
  for (const line of text.split('\n').map((entry) => entry.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([a-z-]+)\]$/.exec(line);
    if (header) {
      flush();
      topic = header[1]!;
      subjects = [];
      predicates = [];
    } else if (line.startsWith('+ ') || line.startsWith('- '))
      predicates.push({ text: line.slice(2), drift: line[0] === '+' });
    else subjects.push(line);
  }
  flush();
  return examples;
}

/** The training notes: one a line, `kind|text`, in drift.txt (reinterpretations) and benign.txt, and those composed from phrases.txt. */
export function readDriftData(folder: URL): { examples: DriftExample[]; sha256: string } {
  const examples: DriftExample[] = [];
  const texts: string[] = [];
  for (const file of driftDataFiles) {
    if (file === 'phrases.txt') {
      const text = readFileSync(new URL(file, folder), 'utf8');
      texts.push(text);
      examples.push(...composeNotes(text));
      continue;
    }
    const text = readFileSync(new URL(file, folder), 'utf8');
    texts.push(text);
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      const bar = line.indexOf('|');
      if (bar <= 0) throw new TypeError(`${file}:${index + 1}: expected 'kind|text'`);
      examples.push({ kind: line.slice(0, bar), text: line.slice(bar + 1).trim(), drift: file === 'drift.txt' });
    }
  }
  return { examples, sha256: sha256Hex(texts.join('\n--\n')) };
}

function fitModel(
  examples: readonly DriftExample[],
  settings: DriftTrainingSettings,
): DriftModel & { scale: number; bytes: Int8Array } {
  const trained = trainLogisticRegression(
    examples.map((example) => ({ features: driftFeatures(example.text), label: example.drift ? 1 : 0 })),
    settings,
  );
  const quantized = quantizeWeights(trained.bias, trained.weights.subarray(0, 1 << driftFeatureBits));
  const weights = new Float32Array(quantized.weights.length);
  for (let index = 0; index < weights.length; index += 1) weights[index] = quantized.weights[index]! * quantized.scale;
  return {
    bias: quantized.bias,
    weights,
    threshold: settings.threshold,
    scale: quantized.scale,
    bytes: quantized.weights,
  };
}

export interface DriftCrossValidation {
  rows: number;
  /** Out-of-fold: the share of drifting notes found, and of ordinary notes wrongly held. */
  truePositiveRate: number;
  falsePositiveRate: number;
  /** Out-of-fold misses per kind. */
  missedByKind: Record<string, number>;
}

export function trainDriftModel(
  examples: readonly DriftExample[],
  settings: DriftTrainingSettings,
  dataSha256: string,
): { file: DriftModelFile; crossValidation: DriftCrossValidation } {
  // Folds over the hand-written notes only; the composed ones are always trained on, so the rates say how
  // the model reads notes written in words of their own.
  const composed = (example: DriftExample) => /-(?:licensing|binding)$/.test(example.kind);
  const order = shuffleInPlace(
    examples.flatMap((example, index) => (composed(example) ? [] : [index])),
    seededRandom(settings.seed),
  );
  const fold = new Array<number>(examples.length).fill(-1);
  order.forEach((row, position) => {
    fold[row] = position % settings.folds;
  });
  let found = 0;
  let held = 0;
  const missedByKind: Record<string, number> = {};
  for (let current = 0; current < settings.folds; current += 1) {
    const model = fitModel(
      examples.filter((_example, row) => fold[row] !== current),
      { ...settings, seed: settings.seed + current + 1 },
    );
    examples.forEach((example, row) => {
      if (fold[row] !== current) return;
      const flagged = driftProbability(model, example.text) >= settings.threshold;
      if (example.drift && flagged) found += 1;
      if (!example.drift && flagged) held += 1;
      if (flagged !== example.drift) missedByKind[example.kind] = (missedByKind[example.kind] ?? 0) + 1;
    });
  }
  const written = examples.filter((example) => !composed(example));
  const positives = written.filter((example) => example.drift).length;
  const final = fitModel(examples, settings);
  return {
    file: {
      schemaVersion: driftModelSchemaVersion,
      training: { dataSha256, rows: examples.length, ...settings },
      featureBits: driftFeatureBits,
      bias: final.bias,
      scale: final.scale,
      weights: Buffer.from(final.bytes.buffer, final.bytes.byteOffset, final.bytes.byteLength).toString('base64'),
      threshold: settings.threshold,
    },
    crossValidation: {
      rows: written.length,
      truePositiveRate: found / positives,
      falsePositiveRate: held / (written.length - positives),
      missedByKind,
    },
  };
}
