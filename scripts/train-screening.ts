// `npm run train:screening [-- --data dev.jsonl]`: trains the screening classifier on the dev set and the rows
// written for training (data/screening/written.jsonl), calibrates it on leave-one-source-out scores, and writes
// src/screening/model/{classifier.json,metrics.json} and the metrics section of docs/screening.md.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findDevSet, readDevRows, writtenRowsPath } from '../src/screening/training/dev-row.ts';
import { renderMetricsMarkdown } from '../src/screening/training/render-metrics-markdown.ts';
import { computeScreeningMetrics } from '../src/screening/training/screening-metrics.ts';
import { defaultTrainingSettings } from '../src/screening/training/train-classifier.ts';
import { trainingDataSha256, trainScreeningModel } from '../src/screening/training/train-screening-model.ts';

const { values } = parseArgs({ options: { data: { type: 'string' }, seed: { type: 'string' } } });
const data = values.data ?? findDevSet();
if (data === undefined || !existsSync(data)) {
  console.error('train-screening: dev set not found; pass --data PATH or set HEED_SCREENING_DATA.');
  process.exit(2);
}
const seed = values.seed === undefined ? defaultTrainingSettings.seed : Number(values.seed);
if (!Number.isSafeInteger(seed)) {
  console.error(`train-screening: --seed must be an integer, got '${values.seed}'.`);
  process.exit(2);
}

const dev = readDevRows(data);
const written = readDevRows(writtenRowsPath);
const settings = { ...defaultTrainingSettings, seed };
const run = trainScreeningModel(dev.rows, written.rows, settings, trainingDataSha256(dev.bytes, written.bytes));
const metrics = computeScreeningMetrics(run.prepared, run.leaveSourceOut, settings);

// Write beside, then rename: a crash never leaves a half-written model.
function writeAtomically(url: URL, text: string): void {
  const path = fileURLToPath(url);
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
writeAtomically(new URL('../src/screening/model/classifier.json', import.meta.url), `${JSON.stringify(run.model)}\n`);
writeAtomically(
  new URL('../src/screening/model/metrics.json', import.meta.url),
  `${JSON.stringify(metrics, null, 2)}\n`,
);

const card = new URL('../docs/screening.md', import.meta.url);
const start = '<!-- metrics:start -->';
const end = '<!-- metrics:end -->';
if (existsSync(card)) {
  const text = readFileSync(card, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) {
    writeAtomically(
      card,
      `${text.slice(0, from + start.length)}\n${renderMetricsMarkdown(metrics)}\n${text.slice(to)}`,
    );
  }
}
const { overall } = metrics.leaveSourceOut;
console.log(
  JSON.stringify({
    rows: metrics.rows,
    leaveSourceOutRocAuc: overall.rocAuc,
    leaveSourceOutTprAt1PercentFpr: overall.truePositiveRate,
    worstSource: overall.worstSource,
  }),
);
