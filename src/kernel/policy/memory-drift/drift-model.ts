import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseWithSchema } from '../../../core/parse-with-schema.ts';
import { driftFeatureBits, driftFeatures } from './drift-features.ts';

export const driftModelSchemaVersion = 1;

export const driftModelFileSchema = z.strictObject({
  schemaVersion: z.literal(driftModelSchemaVersion),
  /** How it was made: the data's hash, the seed and the settings, so a rebuild can be compared. */
  training: z.record(z.string(), z.unknown()),
  featureBits: z.literal(driftFeatureBits),
  bias: z.number(),
  /** weight = byte * scale; `weights` is base64 of one signed byte per bucket. */
  scale: z.number().positive(),
  weights: z.string(),
  /** Notes scoring this or more reinterpret the goal. */
  threshold: z.number().min(0).max(1),
});
export type DriftModelFile = z.infer<typeof driftModelFileSchema>;

export interface DriftModel {
  bias: number;
  weights: Float32Array;
  threshold: number;
}

export const shippedDriftModelPath = new URL('./drift-model.json', import.meta.url);

export function parseDriftModel(value: unknown): DriftModel {
  const file = parseWithSchema(driftModelFileSchema, value, 'memory drift model');
  const bytes = Buffer.from(file.weights, 'base64');
  if (bytes.length !== 1 << driftFeatureBits)
    throw new TypeError(`memory drift model has ${bytes.length} weights; expected ${1 << driftFeatureBits}`);
  const signed = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const weights = new Float32Array(signed.length);
  for (let index = 0; index < signed.length; index += 1) weights[index] = signed[index]! * file.scale;
  return { bias: file.bias, weights, threshold: file.threshold };
}

let shipped: DriftModel | undefined;

/** The model shipped with heed (`npm run train:memory-drift` rebuilds it), read once on first use. */
export function shippedDriftModel(): DriftModel {
  shipped ??= parseDriftModel(JSON.parse(readFileSync(shippedDriftModelPath, 'utf8')));
  return shipped;
}

/** The probability that a note reinterprets the goal. */
export function driftProbability(model: DriftModel, text: string): number {
  const features = driftFeatures(text);
  // A note without words says nothing about the goal: the model's prior alone is no reading of it.
  if (features.indices.length === 0) return 0;
  let sum = 0;
  for (const index of features.indices) sum += model.weights[index]!;
  return 1 / (1 + Math.exp(-(model.bias + sum * features.value)));
}
