// Cross-validated metrics from out-of-fold scores: per kind, overall, the length shortcut, and per source.
import { defaultScreeningThresholds } from '../screener.ts';
import {
  rateAtOrAbove,
  rocAuc,
  thresholdForFalsePositiveRate,
  truePositiveRateAtFalsePositiveRate,
} from './classification-metrics.ts';
import { attackKinds, benignKinds } from './dev-row.ts';
import { fitStacker } from './fit-stacker.ts';
import type { HeldOutSource } from './leave-source-out.ts';
import type { OutOfFoldScores, PreparedRow, TrainingSettings } from './train-screening-model.ts';

export interface KindMetrics {
  rows: number;
  /** Attack kinds only: this kind's rows against every benign row. */
  rocAuc?: number;
  truePositiveRateAt1PercentFalsePositives?: number;
  /** Share of rows flagged at each default threshold (TPR for attack kinds, FPR for benign ones). */
  flaggedAt: Record<string, number>;
}

export interface LengthBin {
  characters: string;
  rows: number;
  attacks: number;
  rocAuc: number;
  lengthOnlyRocAuc: number;
}

export interface ScreeningMetrics {
  schemaVersion: 1;
  rows: number;
  settings: TrainingSettings;
  thresholds: Record<string, number>;
  overall: KindMetrics & { rulesOnlyRocAuc: number; classifierOnlyRocAuc: number };
  kinds: Record<string, KindMetrics>;
  /** The threshold that keeps the false-positive rate on benign rows at or below each rate. */
  thresholdForFalsePositiveRate: Record<string, { allBenign: number; requests: number; documents: number }>;
  lengthShortcut: {
    /** A cross-validated logistic model on log length (and its square) alone. */
    lengthOnlyRocAuc: number;
    lengthOnlyByKind: Record<string, number>;
    quartiles: LengthBin[];
  };
  sources: { source: string; label: string; rows: number; flaggedAtDocumentThreshold: number }[];
  /** Written by the training script: each large source screened by a model trained without it. */
  leaveSourceOut?: HeldOutSource[];
}

const round = (value: number): number => (Number.isNaN(value) ? value : Math.round(value * 10_000) / 10_000);

function flaggedAt(scores: readonly number[], thresholds: Record<string, number>): Record<string, number> {
  const distinct = [...new Set(Object.values(thresholds))].sort();
  return Object.fromEntries(distinct.map((threshold) => [String(threshold), round(rateAtOrAbove(scores, threshold))]));
}

function lengthOnlyScores(prepared: readonly PreparedRow[], folds: number): number[] {
  const features = prepared.map((entry) => {
    const length = Math.log(entry.row.text.length + 1);
    return [length, length * length];
  });
  const scores = new Array<number>(prepared.length).fill(0);
  for (let fold = 0; fold < folds; fold += 1) {
    const training = prepared.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.fold !== fold);
    const fit = fitStacker(
      training.map(({ index }) => features[index]!),
      training.map(({ entry }) => entry.label),
    );
    prepared.forEach((entry, index) => {
      if (entry.fold !== fold) return;
      const [length, squared] = features[index]!;
      scores[index] = fit.intercept + fit.weights[0]! * length! + fit.weights[1]! * squared!;
    });
  }
  return scores;
}

function repository(source: string): string {
  return source.split(':')[0] ?? source;
}

export function evaluateScreening(
  prepared: readonly PreparedRow[],
  scores: OutOfFoldScores,
  settings: TrainingSettings,
): ScreeningMetrics {
  const thresholds = defaultScreeningThresholds();
  const combined = scores.combined;
  const select = (predicate: (entry: PreparedRow) => boolean, values: readonly number[] = combined) =>
    values.filter((_score, index) => predicate(prepared[index]!));
  const benign = select((entry) => entry.label === 0);
  const attacks = select((entry) => entry.label === 1);

  const kinds: Record<string, KindMetrics> = {};
  for (const kind of attackKinds) {
    const positives = select((entry) => entry.row.kind === kind);
    kinds[kind] = {
      rows: positives.length,
      rocAuc: round(rocAuc(positives, benign)),
      truePositiveRateAt1PercentFalsePositives: round(truePositiveRateAtFalsePositiveRate(positives, benign, 0.01)),
      flaggedAt: flaggedAt(positives, thresholds),
    };
  }
  for (const kind of benignKinds) {
    const negatives = select((entry) => entry.row.kind === kind);
    kinds[kind] = { rows: negatives.length, flaggedAt: flaggedAt(negatives, thresholds) };
  }

  const requests = select((entry) => entry.row.kind === 'benign_request');
  const documents = select((entry) => entry.row.kind === 'benign_document');
  const thresholdTable = Object.fromEntries(
    [0.01, 0.005, 0.02].map((rate) => [
      String(rate),
      {
        allBenign: round(thresholdForFalsePositiveRate(benign, rate)),
        requests: round(thresholdForFalsePositiveRate(requests, rate)),
        documents: round(thresholdForFalsePositiveRate(documents, rate)),
      },
    ]),
  );

  const lengthScores = lengthOnlyScores(prepared, settings.folds);
  const benignLength = select((entry) => entry.label === 0, lengthScores);
  const lengthOnlyByKind = Object.fromEntries(
    attackKinds.map((kind) => [
      kind,
      round(
        rocAuc(
          select((entry) => entry.row.kind === kind, lengthScores),
          benignLength,
        ),
      ),
    ]),
  );
  const lengths = prepared.map((entry) => entry.row.text.length).sort((left, right) => left - right);
  const cut = (share: number) => lengths[Math.floor(share * (lengths.length - 1))]!;
  const edges = [0, cut(0.25), cut(0.5), cut(0.75), Number.POSITIVE_INFINITY];
  const quartiles: LengthBin[] = [];
  for (let bin = 0; bin < 4; bin += 1) {
    const inBin = (entry: PreparedRow) =>
      entry.row.text.length > edges[bin]! && entry.row.text.length <= edges[bin + 1]!;
    const positive = (entry: PreparedRow) => inBin(entry) && entry.label === 1;
    const negative = (entry: PreparedRow) => inBin(entry) && entry.label === 0;
    quartiles.push({
      characters: `${edges[bin]! + 1}-${Number.isFinite(edges[bin + 1]!) ? edges[bin + 1] : 'max'}`,
      rows: select(inBin).length,
      attacks: select(positive).length,
      rocAuc: round(rocAuc(select(positive), select(negative))),
      lengthOnlyRocAuc: round(rocAuc(select(positive, lengthScores), select(negative, lengthScores))),
    });
  }

  const sourceKeys = [
    ...new Set(prepared.map((entry) => `${entry.row.label}\u0000${repository(entry.row.source)}`)),
  ].sort();
  const sources = sourceKeys.map((key) => {
    const [label, source] = key.split('\u0000') as [string, string];
    const values = select((entry) => entry.row.label === label && repository(entry.row.source) === source);
    return {
      source,
      label,
      rows: values.length,
      flaggedAtDocumentThreshold: round(rateAtOrAbove(values, thresholds.document)),
    };
  });

  return {
    schemaVersion: 1,
    rows: prepared.length,
    settings,
    thresholds,
    overall: {
      rows: prepared.length,
      rocAuc: round(rocAuc(attacks, benign)),
      truePositiveRateAt1PercentFalsePositives: round(truePositiveRateAtFalsePositiveRate(attacks, benign, 0.01)),
      flaggedAt: flaggedAt(attacks, thresholds),
      rulesOnlyRocAuc: round(
        rocAuc(
          select((entry) => entry.label === 1, scores.rules),
          select((entry) => entry.label === 0, scores.rules),
        ),
      ),
      classifierOnlyRocAuc: round(
        rocAuc(
          select((entry) => entry.label === 1, scores.classifier),
          select((entry) => entry.label === 0, scores.classifier),
        ),
      ),
    },
    kinds,
    thresholdForFalsePositiveRate: thresholdTable,
    lengthShortcut: {
      lengthOnlyRocAuc: round(
        rocAuc(
          select((entry) => entry.label === 1, lengthScores),
          benignLength,
        ),
      ),
      lengthOnlyByKind,
      quartiles,
    },
    sources,
  };
}
