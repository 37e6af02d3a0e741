// The figures a training run writes to model/metrics.json: leave-one-source-out detection per kind and per source,
// false positives at the charter's default thresholds, the detectors alone, and calibration per provenance.
import { provenanceGroup } from '../combine-scores.ts';
import { defaultScreeningThresholds } from '../screener.ts';
import { rocAuc, thresholdForFalsePositiveRate } from './classification-metrics.ts';
import { type LeaveSourceOutFigures, leaveSourceOutFigures } from './leave-source-out-figures.ts';
import { expectedCalibrationError, type ReliabilityBin, reliabilityTable } from './reliability-table.ts';
import type { PreparedRow, TrainingSettings } from './train-classifier.ts';

export const screeningMetricsSchemaVersion = 2;

export interface ScreeningMetrics {
  schemaVersion: typeof screeningMetricsSchemaVersion;
  /** Dev-set rows, each scored by a model that never saw its source family. */
  rows: number;
  /** Rows written for training only (data/screening/), never evaluated. */
  trainingOnlyRows: number;
  settings: TrainingSettings;
  thresholds: Record<string, number>;
  leaveSourceOut: LeaveSourceOutFigures;
  /** ROC AUC of each detector alone on the same leave-source-out scores. */
  detectorsAlone: { rules: number; classifier: number };
  /** The threshold that keeps false positives at or below a rate, per kind of benign input. */
  thresholdForFalsePositiveRate: Record<string, { requests: number; documents: number }>;
  reliability: Record<'principal' | 'untrusted', { expectedCalibrationError: number; bins: ReliabilityBin[] }>;
}

const round = (value: number): number => (Number.isNaN(value) ? value : Math.round(value * 10_000) / 10_000);

export function computeScreeningMetrics(
  prepared: readonly PreparedRow[],
  scores: { classifier: readonly number[]; combined: readonly number[] },
  settings: TrainingSettings,
): ScreeningMetrics {
  const thresholds = defaultScreeningThresholds();
  const evaluated = prepared.flatMap((entry, index) => (entry.evaluated ? [index] : []));
  const rows = evaluated.map((index) => prepared[index]!);
  const pick = (values: readonly number[], predicate: (entry: PreparedRow) => boolean) =>
    evaluated.filter((index) => predicate(prepared[index]!)).map((index) => values[index]!);
  const auc = (values: readonly number[]) =>
    round(
      rocAuc(
        pick(values, (entry) => entry.label === 1),
        pick(values, (entry) => entry.label === 0),
      ),
    );
  const reliability = (group: 'principal' | 'untrusted') => {
    const members = (entry: PreparedRow) => provenanceGroup(entry.provenance) === group;
    const bins = reliabilityTable(
      pick(scores.combined, members),
      rows.filter(members).map((entry) => entry.label),
    );
    return { expectedCalibrationError: expectedCalibrationError(bins), bins };
  };
  return {
    schemaVersion: screeningMetricsSchemaVersion,
    rows: rows.length,
    trainingOnlyRows: prepared.length - rows.length,
    settings,
    thresholds,
    leaveSourceOut: leaveSourceOutFigures(
      rows.map((entry) => ({
        label: entry.label,
        kind: entry.kind,
        family: entry.family,
        defaultThreshold: thresholds[entry.provenance],
      })),
      evaluated.map((index) => scores.combined[index]!),
    ),
    detectorsAlone: {
      rules: auc(prepared.map((entry) => entry.rules)),
      classifier: auc(scores.classifier),
    },
    thresholdForFalsePositiveRate: Object.fromEntries(
      [0.01, 0.02].map((rate) => [
        String(rate),
        {
          requests: round(
            thresholdForFalsePositiveRate(
              pick(scores.combined, (entry) => entry.kind === 'benign_request'),
              rate,
            ),
          ),
          documents: round(
            thresholdForFalsePositiveRate(
              pick(scores.combined, (entry) => entry.kind === 'benign_document'),
              rate,
            ),
          ),
        },
      ]),
    ),
    reliability: { principal: reliability('principal'), untrusted: reliability('untrusted') },
  };
}
