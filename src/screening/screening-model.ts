// The shipped model file (model/classifier.json): classifier weights plus the stacking calibration.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseWithSchema } from '../core/parse-with-schema.ts';
import type { LinearModel } from './classifier/linear-model.ts';
import { dequantize, loadStoredModel } from './classifier/linear-model.ts';
import type { Calibration } from './combine-scores.ts';

export const screeningModelSchemaVersion = 1;

export const screeningModelFileSchema = z.strictObject({
  schemaVersion: z.literal(screeningModelSchemaVersion),
  /** How the model was made: the data's hash, the seed and the settings, so a rerun can be compared. */
  training: z.record(z.string(), z.unknown()),
  classifier: z.strictObject({
    featureBits: z.number().int(),
    bias: z.number(),
    scale: z.number().positive(),
    weights: z.string(),
  }),
  calibration: z.strictObject({
    intercept: z.number(),
    logit: z.record(z.string(), z.number()),
    linear: z.record(z.string(), z.number()),
  }),
});
export type ScreeningModelFile = z.infer<typeof screeningModelFileSchema>;

export interface ScreeningModel {
  classifier: LinearModel;
  calibration: Calibration;
}

export const defaultScreeningModelPath = new URL('./model/classifier.json', import.meta.url);

export function parseScreeningModel(value: unknown): ScreeningModel {
  const file = parseWithSchema(screeningModelFileSchema, value, 'screening model');
  return { classifier: dequantize(loadStoredModel(file.classifier)), calibration: file.calibration };
}

let shipped: ScreeningModel | undefined;

/** The model shipped with heed, read once on first use. */
export function shippedScreeningModel(): ScreeningModel {
  shipped ??= parseScreeningModel(JSON.parse(readFileSync(defaultScreeningModelPath, 'utf8')));
  return shipped;
}
