// The shipped weights are what `npm run train:screening` produces from the dev set, and the shipped metrics
// support the charter's default thresholds. Retraining is slow on a shared machine: HEED_TEST_SIZE=long.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { charterSchema } from '../../charter/charter-schema.ts';
import { defaultScreeningModelPath, screeningModelFileSchema } from '../screening-model.ts';
import { findDevSet, readDevRows } from './dev-row.ts';
import type { ScreeningMetrics } from './evaluate-screening.ts';
import { trainScreeningModel } from './train-screening-model.ts';

const shipped = screeningModelFileSchema.parse(JSON.parse(readFileSync(defaultScreeningModelPath, 'utf8')));
const metrics = JSON.parse(readFileSync(new URL('../model/metrics.json', import.meta.url), 'utf8')) as ScreeningMetrics;
const devSet = findDevSet();
const long = process.env.HEED_TEST_SIZE === 'long';

describe('the shipped screening model', () => {
  it('is compact', () => {
    expect(readFileSync(defaultScreeningModelPath).length).toBeLessThan(2_000_000);
  });

  it('has metrics computed at the charter’s default thresholds, which keep false positives low', () => {
    const charter = charterSchema.parse({
      agent: 'a',
      target: 'if-ranked',
      principals: [{ id: 'p', key: `ed25519:${'A'.repeat(43)}`, roles: ['owner'] }],
    });
    const { principal, document, tool } = charter.screening.thresholds;
    expect(metrics.thresholds).toEqual({ principal, tool, document });
    // About 1% of benign requests at the principal threshold, about 2% of benign documents at the tool one.
    expect(metrics.kinds.benign_request!.flaggedAt[String(principal)]).toBeLessThanOrEqual(0.01);
    expect(metrics.kinds.benign_document!.flaggedAt[String(document)]).toBeLessThanOrEqual(0.02);
    expect(tool).toBeLessThan(principal);
  });

  it.runIf(devSet !== undefined && shipped.training.dataSha256 !== '')('was trained on this dev set', () => {
    const { bytes } = readDevRows(devSet!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(shipped.training.dataSha256);
  });

  it.runIf(long && devSet !== undefined)(
    'reproduces exactly from the training script’s seed',
    () => {
      const { rows, bytes } = readDevRows(devSet!);
      const run = trainScreeningModel(
        rows,
        {
          seed: Number(shipped.training.seed),
          folds: Number(shipped.training.folds),
          epochs: Number(shipped.training.epochs),
          learningRate: Number(shipped.training.learningRate),
          l2: Number(shipped.training.l2),
        },
        createHash('sha256').update(bytes).digest('hex'),
      );
      expect(run.model).toEqual(shipped);
    },
    600_000,
  );
});
