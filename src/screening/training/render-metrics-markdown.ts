// The metrics section of the data card (docs/screening.md), rendered from metrics.json.
import type { ScreeningMetrics } from './evaluate-screening.ts';

const percent = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(1)}%`;
const decimal = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(3);

export function renderMetricsMarkdown(metrics: ScreeningMetrics): string {
  const { thresholds } = metrics;
  const low = String(thresholds.document);
  const high = String(thresholds.principal);
  const lines = [
    `${metrics.settings.folds}-fold cross-validation on ${metrics.rows} rows (stratified, grouped by near-duplicate and template, seed ${metrics.settings.seed}). Scores are the combined, calibrated score: out-of-fold classifier and rules scores, stacked by the shipped three-parameter calibration (fitted on those out-of-fold scores).`,
    '',
    `| kind | rows | ROC AUC | TPR at 1% FPR | flagged at ${low} (tool, document) | flagged at ${high} (principal) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const row = (name: string, kind: ScreeningMetrics['overall'] | ScreeningMetrics['kinds'][string]) =>
    `| ${name} | ${kind.rows} | ${decimal(kind.rocAuc)} | ${percent(kind.truePositiveRateAt1PercentFalsePositives)} | ${percent(kind.flaggedAt[low])} | ${percent(kind.flaggedAt[high])} |`;
  for (const [name, kind] of Object.entries(metrics.kinds)) lines.push(row(name, kind));
  lines.push(
    row('**all attacks**', {
      ...metrics.overall,
      rows: Object.values(metrics.kinds)
        .slice(0, 4)
        .reduce((sum, kind) => sum + kind.rows, 0),
    }),
  );
  lines.push(
    '',
    'For attack kinds, "flagged" is the true-positive rate; for benign kinds it is the false-positive rate.',
    `Rules alone reach ROC AUC ${decimal(metrics.overall.rulesOnlyRocAuc)}, the classifier alone ${decimal(metrics.overall.classifierOnlyRocAuc)}, combined ${decimal(metrics.overall.rocAuc)}.`,
    '',
    'Threshold that keeps the false-positive rate at or below a target:',
    '',
    '| target FPR | all benign | benign requests | benign documents |',
    '| ---: | ---: | ---: | ---: |',
  );
  for (const [rate, entry] of Object.entries(metrics.thresholdForFalsePositiveRate)) {
    lines.push(
      `| ${percent(Number(rate))} | ${decimal(entry.allBenign)} | ${decimal(entry.requests)} | ${decimal(entry.documents)} |`,
    );
  }
  const shortcut = metrics.lengthShortcut;
  lines.push(
    '',
    `**Length shortcut.** A cross-validated model on the length alone reaches ROC AUC ${decimal(shortcut.lengthOnlyRocAuc)} overall (${Object.entries(
      shortcut.lengthOnlyByKind,
    )
      .map(([kind, auc]) => `${kind} ${decimal(auc)}`)
      .join(', ')}). Within length quartiles, where length says little, the screener's ranking holds:`,
    '',
    '| characters | rows | attacks | ROC AUC (screener) | ROC AUC (length only) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...shortcut.quartiles.map(
      (bin) =>
        `| ${bin.characters} | ${bin.rows} | ${bin.attacks} | ${decimal(bin.rocAuc)} | ${decimal(bin.lengthOnlyRocAuc)} |`,
    ),
    '',
    `Per source repository (flagged at ${low}; for attack rows the detection rate, for benign rows the false-positive rate):`,
    '',
    '| source | label | rows | flagged |',
    '| --- | --- | ---: | ---: |',
    ...metrics.sources.map(
      (source) =>
        `| ${source.source} | ${source.label} | ${source.rows} | ${percent(source.flaggedAtDocumentThreshold)} |`,
    ),
  );
  return lines.join('\n');
}
