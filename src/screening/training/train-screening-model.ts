// The whole training run: leave-one-source-out scores for every row (each source family held out with its
// near-duplicates), the per-provenance stacking calibration fitted on them, and the final classifier trained on
// every row. Deterministic for a seed.
import { createHash } from 'node:crypto';
import { storeModel } from '../classifier/linear-model.ts';
import {
  type Calibration,
  combineScores,
  logit,
  type ProvenanceCalibration,
  provenanceGroup,
} from '../combine-scores.ts';
import { type ScreeningModelFile, screeningModelSchemaVersion } from '../screening-model.ts';
import type { DevRow } from './dev-row.ts';
import { fitStacker } from './fit-stacker.ts';
import { leaveSourceOutScores } from './leave-source-out.ts';
import {
  defaultTrainingSettings,
  type PreparedRow,
  prepareRows,
  type TrainingSettings,
  trainClassifier,
} from './train-classifier.ts';
import { buildExamplePool } from './training-examples.ts';

export interface TrainingRun {
  model: ScreeningModelFile;
  prepared: PreparedRow[];
  /** Per row, scored by a model trained without the row's source family (and its near-duplicates). */
  leaveSourceOut: { classifier: number[]; combined: number[] };
}

/**
 * The stacking calibration, fitted on the leave-source-out scores of every dev row: calibrated on sources the
 * classifier never saw. One fit serves both provenance groups: untrusted rows hold a single attack source, too
 * few to fit a group of their own (docs/screening.md shows each group's reliability). A detector whose fitted
 * weight comes out negative is dropped and the rest refitted, so more evidence never lowers the score.
 */
export function fitCalibration(prepared: readonly PreparedRow[], classifier: readonly number[]): ProvenanceCalibration {
  const rows = prepared.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.evaluated);
  const labels = rows.map(({ entry }) => entry.label);
  const columns = [(index: number) => logit(classifier[index]!), (index: number) => prepared[index]!.rules];
  let kept = [0, 1];
  let fit = fitStacker(
    rows.map(({ index }) => kept.map((column) => columns[column]!(index))),
    labels,
  );
  const negative = kept.filter((_column, position) => fit.weights[position]! < 0);
  if (negative.length > 0) {
    kept = kept.filter((column) => !negative.includes(column));
    fit = fitStacker(
      rows.map(({ index }) => kept.map((column) => columns[column]!(index))),
      labels,
    );
  }
  const weight = (column: number) => (kept.includes(column) ? fit.weights[kept.indexOf(column)]! : 0);
  const calibration: Calibration = {
    intercept: fit.intercept,
    logit: { classifier: weight(0) },
    linear: { rules: weight(1) },
  };
  return { principal: calibration, untrusted: calibration };
}

/** One hash over the dev set and the written rows, recorded in the model so a rerun can be compared. */
export function trainingDataSha256(...files: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const bytes of files) hash.update(createHash('sha256').update(bytes).digest());
  return hash.digest('hex');
}

export function trainScreeningModel(
  rows: readonly DevRow[],
  trainingOnly: readonly DevRow[] = [],
  settings: TrainingSettings = defaultTrainingSettings,
  dataSha256 = '',
): TrainingRun {
  const prepared = prepareRows(rows, trainingOnly);
  const pool = buildExamplePool(prepared, settings);
  const classifier = leaveSourceOutScores(prepared, pool, settings);
  const calibration = fitCalibration(prepared, classifier);
  const combined = combineAll(prepared, classifier, calibration);
  const final = trainClassifier(prepared, pool, () => true, settings, settings.seed);
  return {
    model: {
      schemaVersion: screeningModelSchemaVersion,
      training: {
        data: 'dev.jsonl + written.jsonl',
        rows: rows.length,
        trainingOnlyRows: trainingOnly.length,
        dataSha256,
        ...settings,
      },
      classifier: storeModel(final),
      calibration,
    },
    prepared,
    leaveSourceOut: { classifier, combined },
  };
}

export function combineAll(
  prepared: readonly PreparedRow[],
  classifier: readonly number[],
  calibration: ProvenanceCalibration,
): number[] {
  return prepared.map((entry, index) =>
    combineScores(
      { classifier: { score: classifier[index]!, reasons: [] }, rules: { score: entry.rules, reasons: [] } },
      calibration[provenanceGroup(entry.provenance)],
    ),
  );
}
