// Leave-one-source-out: each source family in turn is held out entirely, with every row that shares a
// near-duplicate group with it and every constructed row built from it, and screened by a classifier trained on
// the rest. This is how heed meets data from sources it never saw; models and thresholds are chosen on it.
import { type PreparedRow, scoreClassifier, type TrainingSettings, trainClassifier } from './train-classifier.ts';
import type { PoolExample } from './training-examples.ts';

export interface HeldOutFold {
  family: string;
  /** Indices of the rows evaluated under this family. */
  test: number[];
  /** Whether a row may be trained on while this family is held out. */
  included: (row: number) => boolean;
}

export function sourceFamilyFolds(prepared: readonly PreparedRow[]): HeldOutFold[] {
  const families = [...new Set(prepared.filter((entry) => entry.evaluated).map((entry) => entry.family))].sort(
    (left, right) => left.localeCompare(right),
  );
  return families.map((family) => {
    const test = prepared.flatMap((entry, index) => (entry.evaluated && entry.family === family ? [index] : []));
    const heldGroups = new Set(test.map((index) => prepared[index]!.group));
    const included = (row: number) => {
      const entry = prepared[row]!;
      return entry.family !== family && !entry.families.includes(family) && !heldGroups.has(entry.group);
    };
    return { family, test, included };
  });
}

/** The classifier's score for every row from the model of the fold that held the row's family out. */
export function leaveSourceOutScores(
  prepared: readonly PreparedRow[],
  pool: readonly PoolExample[],
  settings: TrainingSettings,
): number[] {
  const scores = new Array<number>(prepared.length).fill(0);
  sourceFamilyFolds(prepared).forEach((fold, position) => {
    const model = trainClassifier(prepared, pool, fold.included, settings, settings.seed + position + 1);
    const tested = scoreClassifier(
      model,
      fold.test.map((index) => prepared[index]!),
    );
    fold.test.forEach((index, offset) => {
      scores[index] = tested[offset]!;
    });
  });
  return scores;
}
