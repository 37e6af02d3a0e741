// The shipped model file (model/classifier.json): classifier weights plus the stacking calibration.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseWithSchema } from '../core/parse-with-schema.ts';
import type { LinearModel } from './classifier/linear-model.ts';
import { dequantize, loadStoredModel } from './classifier/linear-model.ts';
import type { ProvenanceCalibration } from './combine-scores.ts';

export const screeningModelSchemaVersion = 2;

const calibrationSchema = z.strictObject({
  intercept: z.number(),
  logit: z.record(z.string(), z.number()),
  linear: z.record(z.string(), z.number()),
});

const classifierSchema = z.strictObject({
  featureBits: z.number().int(),
  bias: z.number(),
  scale: z.number().positive(),
  weights: z.string(),
});

/** Version 1: one calibration for every provenance, fitted on in-distribution cross-validation. */
const screeningModelFileV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  training: z.record(z.string(), z.unknown()),
  classifier: classifierSchema,
  calibration: calibrationSchema,
});

export const screeningModelFileSchema = z.strictObject({
  schemaVersion: z.literal(screeningModelSchemaVersion),
  /** How the model was made: the data's hash, the seed and the settings, so a rerun can be compared. */
  training: z.record(z.string(), z.unknown()),
  classifier: classifierSchema,
  /** Per provenance group, fitted on leave-one-source-out scores. */
  calibration: z.strictObject({ principal: calibrationSchema, untrusted: calibrationSchema }),
});
export type ScreeningModelFile = z.infer<typeof screeningModelFileSchema>;

const anyScreeningModelFileSchema = z.discriminatedUnion('schemaVersion', [
  screeningModelFileV1Schema,
  screeningModelFileSchema,
]);

export interface ScreeningModel {
  classifier: LinearModel;
  calibration: ProvenanceCalibration;
}

export const defaultScreeningModelPath = new URL('./model/classifier.json', import.meta.url);

export function parseScreeningModel(value: unknown): ScreeningModel {
  const file = parseWithSchema(anyScreeningModelFileSchema, value, 'screening model');
  const calibration =
    file.schemaVersion === 1 ? { principal: file.calibration, untrusted: file.calibration } : file.calibration;
  return { classifier: dequantize(loadStoredModel(file.classifier)), calibration };
}

let shipped: ScreeningModel | undefined;

/** The model shipped with heed, read once on first use. */
export function shippedScreeningModel(): ScreeningModel {
  shipped ??= parseScreeningModel(JSON.parse(readFileSync(defaultScreeningModelPath, 'utf8')));
  return shipped;
}
