// The metrics section of the data card (docs/screening.md), rendered from metrics.json.
import type { AttackFigures } from './leave-source-out-figures.ts';
import { markdownTable } from './markdown-table.ts';
import type { ScreeningMetrics } from './screening-metrics.ts';

// NaN (no rows) is written to metrics.json as null.
const missing = (value: number | null | undefined): value is null | undefined =>
  value === undefined || value === null || Number.isNaN(value);
const percent = (value: number | null | undefined): string => (missing(value) ? '–' : `${(value * 100).toFixed(1)}%`);
const decimal = (value: number | null | undefined): string => (missing(value) ? '–' : value.toFixed(3));

function worst(figures: AttackFigures): string {
  const source = figures.worstSource;
  return source === undefined ? '–' : `${percent(source.truePositiveRate)} (${source.family})`;
}

/** The per-kind table of leave-one-source-out figures, shared by the data card and the README. */
export function renderLeaveSourceOutTable(metrics: ScreeningMetrics): string[] {
  const figures = metrics.leaveSourceOut;
  const attackRow = (name: string, kind: AttackFigures) => [
    name,
    String(kind.rows),
    decimal(kind.rocAuc),
    percent(kind.truePositiveRate),
    percent(kind.meanSourceTruePositiveRate),
    worst(kind),
    percent(kind.flaggedAtDefault),
  ];
  const benignRow = (name: string, key: 'benign_request' | 'benign_document') => [
    name,
    String(figures.benign[key].rows),
    '–',
    '–',
    '–',
    '–',
    percent(figures.benign[key].flaggedAtDefault),
  ];
  return markdownTable(
    ['kind', 'rows', 'ROC AUC', 'TPR at 1% FPR', 'mean source', 'worst source', 'flagged at the default threshold'],
    ['left', 'right', 'right', 'right', 'right', 'left', 'right'],
    [
      ...Object.entries(figures.kinds).map(([name, kind]) => attackRow(name.replace('_', ' '), kind)),
      attackRow('**all attacks**', figures.overall),
      benignRow('benign requests (FPR)', 'benign_request'),
      benignRow('benign documents (FPR)', 'benign_document'),
    ],
  );
}

export function renderMetricsMarkdown(metrics: ScreeningMetrics): string {
  const { thresholds, leaveSourceOut: figures } = metrics;
  const sources = figures.overall.sources;
  const benignSources = figures.benign.all.sources;
  return [
    `Leave-one-source-out on ${metrics.rows} dev rows (seed ${metrics.settings.seed}): each source family is held out in turn, with every row that is a near-duplicate of it or built from it, and screened by a classifier trained on the rest (plus the ${metrics.trainingOnlyRows} rows written for training). Scores are the combined, calibrated score. TPR at 1% FPR uses the threshold that flags 1% of all benign rows (${decimal(figures.thresholdAt1PercentFalsePositives)}); "mean source" and "worst source" are over the held-out families with ${20} or more rows of the kind. The default thresholds are ${thresholds.principal} for requests (principal) and ${thresholds.document} for documents.`,
    '',
    ...renderLeaveSourceOutTable(metrics),
    '',
    `Each detector alone on the same scores: rules ROC AUC ${decimal(metrics.detectorsAlone.rules)}, classifier ${decimal(metrics.detectorsAlone.classifier)}.`,
    '',
    'Held-out attack sources (TPR at the 1%-FPR threshold) and benign sources (flagged at the default threshold):',
    '',
    ...markdownTable(
      ['held-out source', 'label', 'rows', 'ROC AUC', 'flagged'],
      ['left', 'left', 'right', 'right', 'right'],
      [
        ...sources.map((source) => [
          source.family,
          'attack',
          String(source.rows),
          decimal(source.rocAuc),
          percent(source.truePositiveRate),
        ]),
        ...benignSources.map((source) => [
          source.family,
          'benign',
          String(source.rows),
          '–',
          percent(source.flaggedAtDefault),
        ]),
      ],
    ),
    '',
    'Threshold that keeps the false-positive rate at or below a target, on sources never trained on:',
    '',
    ...markdownTable(
      ['target FPR', 'benign requests', 'benign documents'],
      ['right', 'right', 'right'],
      Object.entries(metrics.thresholdForFalsePositiveRate).map(([rate, entry]) => [
        percent(Number(rate)),
        decimal(entry.requests),
        decimal(entry.documents),
      ]),
    ),
    '',
    '**Calibration per provenance** (reliability on the leave-source-out scores: predicted score against the observed share of attacks in each band):',
    '',
    ...markdownTable(
      ['score band', 'principal rows', 'predicted', 'observed', 'untrusted rows', 'predicted', 'observed'],
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
      metrics.reliability.principal.bins.map((bin, index) => {
        const untrusted = metrics.reliability.untrusted.bins[index]!;
        return [
          `${bin.from.toFixed(1)}–${bin.to.toFixed(1)}`,
          String(bin.rows),
          decimal(bin.meanPredicted),
          percent(bin.observedAttackRate),
          String(untrusted.rows),
          decimal(untrusted.meanPredicted),
          percent(untrusted.observedAttackRate),
        ];
      }),
    ),
    '',
    `Expected calibration error: principal ${decimal(metrics.reliability.principal.expectedCalibrationError)}, untrusted ${decimal(metrics.reliability.untrusted.expectedCalibrationError)}. The calibration is fitted on these same scores (three parameters, one fit for both groups), so the tables show its fit, not a held-out test of it.`,
  ].join('\n');
}
