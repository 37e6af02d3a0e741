// A harder estimate than grouped cross-validation: train without a whole source repository and screen it, as
// heed will screen data from sources it never saw.
import { classifierScore } from '../classifier/classifier-detector.ts';
import { dequantize } from '../classifier/linear-model.ts';
import { type Calibration, combineScores } from '../combine-scores.ts';
import { defaultScreeningThresholds } from '../screener.ts';
import { rateAtOrAbove } from './classification-metrics.ts';
import { type PreparedRow, type TrainingSettings, trainClassifier } from './train-screening-model.ts';

export interface HeldOutSource {
  source: string;
  label: 'attack' | 'benign';
  rows: number;
  /** Share flagged at the tool/document threshold and at the principal threshold. */
  flaggedAt: Record<string, number>;
}

/** Sources with fewer rows than this are too small to say much alone. */
const minimumRows = 50;

export function repositoryOf(source: string): string {
  return source.split(':')[0] ?? source;
}

export function leaveSourceOut(
  prepared: readonly PreparedRow[],
  calibration: Calibration,
  settings: TrainingSettings,
): HeldOutSource[] {
  const thresholds = defaultScreeningThresholds();
  const sources = new Map<string, number>();
  for (const entry of prepared) {
    const source = repositoryOf(entry.row.source);
    sources.set(source, (sources.get(source) ?? 0) + 1);
  }
  const results: HeldOutSource[] = [];
  for (const [source, count] of [...sources].sort(([left], [right]) => left.localeCompare(right))) {
    if (count < minimumRows) continue;
    const held = (entry: PreparedRow) => repositoryOf(entry.row.source) === source;
    const model = dequantize(
      trainClassifier(
        prepared.filter((entry) => !held(entry)),
        settings,
        settings.seed + 101,
      ),
    );
    for (const label of ['attack', 'benign'] as const) {
      const rows = prepared.filter((entry) => held(entry) && entry.row.label === label);
      if (rows.length === 0) continue;
      const scores = rows.map((entry) =>
        combineScores(
          {
            classifier: {
              score: classifierScore(model, entry.combined, entry.provenance !== 'principal').score,
              reasons: [],
            },
            rules: { score: entry.rules, reasons: [] },
          },
          calibration,
        ),
      );
      const distinct = [...new Set(Object.values(thresholds))].sort();
      results.push({
        source,
        label,
        rows: rows.length,
        flaggedAt: Object.fromEntries(
          distinct.map((threshold) => [
            String(threshold),
            Math.round(rateAtOrAbove(scores, threshold) * 10_000) / 10_000,
          ]),
        ),
      });
    }
  }
  return results;
}
