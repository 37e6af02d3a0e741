// The shipped weights are what `npm run train:screening` produces from the dev set and the written rows. The final
// classifier is retrained here and compared byte for byte; the whole run (leave-source-out folds and the
// calibration fitted on them) takes minutes, so it is compared under HEED_TEST_SIZE=long.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { charterSchema } from '../../charter/charter-schema.ts';
import { storeModel } from '../classifier/linear-model.ts';
import { defaultScreeningModelPath, parseScreeningModel, screeningModelFileSchema } from '../screening-model.ts';
import { findDevSet, readDevRows, writtenRowsPath } from './dev-row.ts';
import { renderMetricsMarkdown } from './render-metrics-markdown.ts';
import type { ScreeningMetrics } from './screening-metrics.ts';
import { defaultTrainingSettings, prepareRows, trainClassifier } from './train-classifier.ts';
import { trainingDataSha256, trainScreeningModel } from './train-screening-model.ts';
import { buildExamplePool } from './training-examples.ts';

const shipped = screeningModelFileSchema.parse(JSON.parse(readFileSync(defaultScreeningModelPath, 'utf8')));
const metrics = JSON.parse(readFileSync(new URL('../model/metrics.json', import.meta.url), 'utf8')) as ScreeningMetrics;
const devSet = findDevSet();
const long = process.env.HEED_TEST_SIZE === 'long';

function trainingData() {
  const dev = readDevRows(devSet!);
  const written = readDevRows(writtenRowsPath);
  return { dev: dev.rows, written: written.rows, sha256: trainingDataSha256(dev.bytes, written.bytes) };
}

describe('the shipped screening model', () => {
  it('is compact and was trained with the default settings', () => {
    expect(readFileSync(defaultScreeningModelPath).length).toBeLessThan(2_000_000);
    expect(shipped.training).toMatchObject(defaultTrainingSettings);
  });

  it('reads a version 1 model file: one calibration for every provenance', () => {
    const { schemaVersion: _version, calibration, ...rest } = shipped;
    const model = parseScreeningModel({ ...rest, schemaVersion: 1, calibration: calibration.principal });
    expect(model.calibration.untrusted).toEqual(calibration.principal);
    expect(() => parseScreeningModel({ ...rest, schemaVersion: 3, calibration })).toThrow(/schemaVersion/);
  });

  it('has metrics computed at the charter’s default thresholds', () => {
    const charter = charterSchema.parse({
      agent: 'a',
      target: 'if-ranked',
      principals: [{ id: 'p', key: `ed25519:${'A'.repeat(43)}`, roles: ['owner'] }],
    });
    const { principal, document, tool } = charter.screening.thresholds;
    expect(metrics.thresholds).toEqual({ principal, tool, document });
    expect(tool).toBeLessThan(principal);
  });

  it('is what the data card shows (metrics.json, NaN written as null, renders as the card’s section)', () => {
    const card = readFileSync(new URL('../../../docs/screening.md', import.meta.url), 'utf8');
    const section = card.slice(card.indexOf('<!-- metrics:start -->') + 23, card.indexOf('<!-- metrics:end -->') - 1);
    expect(section).toBe(renderMetricsMarkdown(metrics));
  });

  it.runIf(devSet !== undefined)(
    'was trained on this data, and its final classifier retrains byte for byte',
    () => {
      const { dev, written, sha256 } = trainingData();
      expect(shipped.training.dataSha256).toBe(sha256);
      const prepared = prepareRows(dev, written);
      const pool = buildExamplePool(prepared, defaultTrainingSettings);
      const final = trainClassifier(prepared, pool, () => true, defaultTrainingSettings, defaultTrainingSettings.seed);
      expect(storeModel(final)).toEqual(shipped.classifier);
    },
    300_000,
  );

  it.runIf(long && devSet !== undefined)(
    'reproduces exactly, calibration included, from the training script’s seed',
    () => {
      const { dev, written, sha256 } = trainingData();
      expect(trainScreeningModel(dev, written, defaultTrainingSettings, sha256).model).toEqual(shipped);
    },
    1_800_000,
  );
});
