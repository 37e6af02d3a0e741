// The whole training run: grouped cross-validation for honest out-of-fold scores, the stacking calibration
// fitted on them, and the final classifier trained on every row. Deterministic for a seed.
import type { Provenance } from '../../charter/charter-schema.ts';
import { classifierLogits, classifierScore } from '../classifier/classifier-detector.ts';
import { hashFeatures } from '../classifier/hash-features.ts';
import { dequantize, quantizeWeights, storeModel } from '../classifier/linear-model.ts';
import { splitIntoChunks } from '../classifier/split-into-chunks.ts';
import { type Calibration, combineScores, logit } from '../combine-scores.ts';
import { normalizeText } from '../normalize-text.ts';
import { createRulesDetector } from '../rules/rules-detector.ts';
import { type ScreeningModelFile, screeningModelSchemaVersion } from '../screening-model.ts';
import type { DevRow } from './dev-row.ts';
import { fitStacker } from './fit-stacker.ts';
import { groupNearDuplicates } from './group-near-duplicates.ts';
import { assignGroupedFolds } from './grouped-folds.ts';
import { type TrainingExample, trainLogisticRegression } from './train-logistic-regression.ts';

export interface TrainingSettings {
  seed: number;
  folds: number;
  epochs: number;
  learningRate: number;
  l2: number;
}

export const defaultTrainingSettings: TrainingSettings = {
  seed: 20_261_128,
  folds: 5,
  epochs: 20,
  learningRate: 0.2,
  l2: 1e-3,
};

export interface PreparedRow {
  row: DevRow;
  label: 0 | 1;
  /** Documents and injected documents are screened as documents; requests as a principal's words. */
  provenance: Provenance;
  combined: string;
  rules: number;
  fold: number;
}

export interface OutOfFoldScores {
  classifier: number[];
  rules: number[];
  combined: number[];
}

export interface TrainingRun {
  model: ScreeningModelFile;
  prepared: PreparedRow[];
  outOfFold: OutOfFoldScores;
}

export function rowProvenance(row: DevRow): Provenance {
  return row.kind === 'benign_document' || row.kind === 'indirect_injection' ? 'document' : 'principal';
}

function fitLinear(examples: readonly TrainingExample[], settings: TrainingSettings, seed: number) {
  const trained = trainLogisticRegression(examples, { ...settings, seed });
  return quantizeWeights(trained.bias, trained.weights);
}

/**
 * An injected document is mostly its innocent host text; training on the whole of it would teach the model
 * that emails or tables are attacks. So each injected document contributes only its most order-like chunk,
 * chosen by a model that never saw an injected document, and clean documents contribute every chunk as a
 * negative, so chunk scores mean the same as whole-text scores.
 */
export function trainClassifier(rows: readonly PreparedRow[], settings: TrainingSettings, seed: number) {
  const untrusted = (entry: PreparedRow) => entry.provenance !== 'principal';
  const whole = (entry: PreparedRow): TrainingExample => ({
    features: hashFeatures(entry.combined, untrusted(entry)),
    label: entry.label,
  });
  const direct = rows.filter((entry) => entry.row.kind !== 'indirect_injection');
  const selector = dequantize(fitLinear(direct.map(whole), settings, seed ^ 0x5eed));
  const examples: TrainingExample[] = [];
  for (const entry of rows) {
    if (entry.row.kind === 'indirect_injection') {
      const chunk = classifierLogits(selector, entry.combined, true).chunk();
      // The same words are an injection inside a document and an ordinary request from a principal: the
      // untrusted-only features learn the difference, the shared ones do not learn that requests are attacks.
      examples.push({ features: hashFeatures(chunk, true), label: 1 });
      examples.push({ features: hashFeatures(chunk, false), label: 0 });
      continue;
    }
    examples.push(whole(entry));
    // An attack aimed at the model is no less one when it arrives inside a tool result.
    if (entry.label === 1) examples.push({ features: hashFeatures(entry.combined, true), label: 1 });
    if (entry.row.kind === 'benign_document') {
      const chunks = splitIntoChunks(entry.combined);
      if (chunks.length > 1)
        for (const chunk of chunks) examples.push({ features: hashFeatures(chunk, true), label: 0 });
    }
  }
  return fitLinear(examples, settings, seed);
}

function calibrationFrom(
  classifier: readonly number[],
  rules: readonly number[],
  labels: readonly (0 | 1)[],
): Calibration {
  const fit = fitStacker(
    classifier.map((score, index) => [logit(score), rules[index]!]),
    labels,
  );
  return { intercept: fit.intercept, logit: { classifier: fit.weights[0]! }, linear: { rules: fit.weights[1]! } };
}

function combine(classifier: number, rules: number, calibration: Calibration): number {
  return combineScores(
    { classifier: { score: classifier, reasons: [] }, rules: { score: rules, reasons: [] } },
    calibration,
  );
}

export function trainScreeningModel(
  rows: readonly DevRow[],
  settings: TrainingSettings = defaultTrainingSettings,
  dataSha256 = '',
): TrainingRun {
  const rulesDetector = createRulesDetector();
  const labels = rows.map((row) => (row.label === 'attack' ? 1 : 0) as 0 | 1);
  const folds = assignGroupedFolds(groupNearDuplicates(rows), labels, settings.folds, settings.seed);
  const prepared: PreparedRow[] = rows.map((row, index) => {
    const provenance = rowProvenance(row);
    const normalized = normalizeText(row.text);
    const rules = rulesDetector.score(row.text, { provenance, principals: [], normalized, signal: undefined });
    if (rules instanceof Promise) throw new TypeError('the rules detector must be synchronous');
    return {
      row,
      label: labels[index]!,
      provenance,
      combined: normalized.combined,
      rules: rules.score,
      fold: folds[index]!,
    };
  });

  const classifierOutOfFold = new Array<number>(rows.length).fill(0);
  for (let fold = 0; fold < settings.folds; fold += 1) {
    const model = dequantize(
      trainClassifier(
        prepared.filter((entry) => entry.fold !== fold),
        settings,
        settings.seed + fold + 1,
      ),
    );
    prepared.forEach((entry, index) => {
      if (entry.fold === fold)
        classifierOutOfFold[index] = classifierScore(model, entry.combined, entry.provenance !== 'principal').score;
    });
  }
  const rulesScores = prepared.map((entry) => entry.rules);

  // Three parameters fitted on every out-of-fold prediction: refitting them per fold would put each fold's
  // scores on a slightly different scale and blur the pooled ranking more than it removes optimism.
  const calibration = calibrationFrom(classifierOutOfFold, rulesScores, labels);
  const combinedOutOfFold = classifierOutOfFold.map((score, index) => combine(score, rulesScores[index]!, calibration));

  const final = trainClassifier(prepared, settings, settings.seed);
  return {
    model: {
      schemaVersion: screeningModelSchemaVersion,
      training: { data: 'dev.jsonl', rows: rows.length, dataSha256, ...settings },
      classifier: storeModel(final),
      calibration,
    },
    prepared,
    outOfFold: { classifier: classifierOutOfFold, rules: rulesScores, combined: combinedOutOfFold },
  };
}
