// The metrics section of the data card (docs/screening.md), rendered from metrics.json.
import type { KindMetrics, ScreeningMetrics } from './evaluate-screening.ts';
import { markdownTable } from './markdown-table.ts';

const percent = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(1)}%`;
const decimal = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(3);

export function renderMetricsMarkdown(metrics: ScreeningMetrics): string {
  const { thresholds } = metrics;
  const low = String(thresholds.document);
  const high = String(thresholds.principal);
  const kindRow = (name: string, kind: KindMetrics) => [
    name,
    String(kind.rows),
    decimal(kind.rocAuc),
    percent(kind.truePositiveRateAt1PercentFalsePositives),
    percent(kind.flaggedAt[low]),
    percent(kind.flaggedAt[high]),
  ];
  const attackRows = Object.values(metrics.kinds)
    .filter((kind) => kind.rocAuc !== undefined)
    .reduce((sum, kind) => sum + kind.rows, 0);
  const shortcut = metrics.lengthShortcut;
  return [
    `${metrics.settings.folds}-fold cross-validation on ${metrics.rows} rows (stratified, grouped by near-duplicate and template, seed ${metrics.settings.seed}). Scores are the combined, calibrated score: out-of-fold classifier and rules scores, stacked by the shipped three-parameter calibration (fitted on those out-of-fold scores).`,
    '',
    ...markdownTable(
      [
        'kind',
        'rows',
        'ROC AUC',
        'TPR at 1% FPR',
        `flagged at ${low} (tool, document)`,
        `flagged at ${high} (principal)`,
      ],
      ['left', 'right', 'right', 'right', 'right', 'right'],
      [
        ...Object.entries(metrics.kinds).map(([name, kind]) => kindRow(name, kind)),
        kindRow('**all attacks**', { ...metrics.overall, rows: attackRows }),
      ],
    ),
    '',
    'For attack kinds, "flagged" is the true-positive rate; for benign kinds it is the false-positive rate.',
    `Rules alone reach ROC AUC ${decimal(metrics.overall.rulesOnlyRocAuc)}, the classifier alone ${decimal(metrics.overall.classifierOnlyRocAuc)}, combined ${decimal(metrics.overall.rocAuc)}.`,
    '',
    'Threshold that keeps the false-positive rate at or below a target:',
    '',
    ...markdownTable(
      ['target FPR', 'all benign', 'benign requests', 'benign documents'],
      ['right', 'right', 'right', 'right'],
      Object.entries(metrics.thresholdForFalsePositiveRate).map(([rate, entry]) => [
        percent(Number(rate)),
        decimal(entry.allBenign),
        decimal(entry.requests),
        decimal(entry.documents),
      ]),
    ),
    '',
    `**Length shortcut.** A cross-validated model on the length alone reaches ROC AUC ${decimal(shortcut.lengthOnlyRocAuc)} overall (${Object.entries(
      shortcut.lengthOnlyByKind,
    )
      .map(([kind, auc]) => `${kind} ${decimal(auc)}`)
      .join(', ')}). Within length quartiles, where length says little, the screener's ranking holds:`,
    '',
    ...markdownTable(
      ['characters', 'rows', 'attacks', 'ROC AUC (screener)', 'ROC AUC (length only)'],
      ['left', 'right', 'right', 'right', 'right'],
      shortcut.quartiles.map((bin) => [
        bin.characters,
        String(bin.rows),
        String(bin.attacks),
        decimal(bin.rocAuc),
        decimal(bin.lengthOnlyRocAuc),
      ]),
    ),
    '',
    `Per source repository (flagged at ${low}; for attack rows the detection rate, for benign rows the false-positive rate):`,
    '',
    ...markdownTable(
      ['source', 'label', 'rows', 'flagged'],
      ['left', 'left', 'right', 'right'],
      metrics.sources.map((source) => [
        source.source,
        source.label,
        String(source.rows),
        percent(source.flaggedAtDocumentThreshold),
      ]),
    ),
    ...(metrics.leaveSourceOut === undefined
      ? []
      : [
          '',
          '**Unseen sources.** Each source with 50 or more rows screened by a classifier trained without any of its rows (same calibration), the closest this set comes to data from elsewhere:',
          '',
          ...markdownTable(
            ['held-out source', 'label', 'rows', `flagged at ${low}`, `flagged at ${high}`],
            ['left', 'left', 'right', 'right', 'right'],
            metrics.leaveSourceOut.map((entry) => [
              entry.source,
              entry.label,
              String(entry.rows),
              percent(entry.flaggedAt[low]),
              percent(entry.flaggedAt[high]),
            ]),
          ),
        ]),
  ].join('\n');
}
