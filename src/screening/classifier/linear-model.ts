// A logistic-regression model over hashed features, stored as int8 weights with one scale (see classifier.json).
import { InvalidInputError } from '../../core/heed-error.ts';
import { featureBits, featureDimension, type HashedFeatures } from './hash-features.ts';

export interface LinearModel {
  bias: number;
  weights: Float32Array;
}

export interface QuantizedModel {
  bias: number;
  scale: number;
  weights: Int8Array;
}

export interface StoredLinearModel {
  featureBits: number;
  bias: number;
  scale: number;
  /** base64 of one signed byte per feature bucket; weight = byte * scale. */
  weights: string;
}

export function linearLogit(model: LinearModel, features: HashedFeatures): number {
  return linearLogitOf(model, features.indices, features.indices.length);
}

/** The logit of the binary, L2-normalised features indices[0..count) (distinct buckets). */
export function linearLogitOf(model: LinearModel, indices: Int32Array, count: number): number {
  let sum = 0;
  const { weights } = model;
  for (let position = 0; position < count; position += 1) sum += weights[indices[position]!]!;
  return model.bias + sum * (count === 0 ? 0 : 1 / Math.sqrt(count));
}

export function quantizeWeights(bias: number, weights: ArrayLike<number>): QuantizedModel {
  let largest = 0;
  for (let index = 0; index < weights.length; index += 1) largest = Math.max(largest, Math.abs(weights[index]!));
  const scale = largest === 0 ? 1 : largest / 127;
  const quantized = new Int8Array(weights.length);
  for (let index = 0; index < weights.length; index += 1) quantized[index] = Math.round(weights[index]! / scale);
  return { bias, scale, weights: quantized };
}

export function dequantize(model: QuantizedModel): LinearModel {
  const weights = new Float32Array(model.weights.length);
  for (let index = 0; index < weights.length; index += 1) weights[index] = model.weights[index]! * model.scale;
  return { bias: model.bias, weights };
}

export function storeModel(model: QuantizedModel): StoredLinearModel {
  return {
    featureBits,
    bias: model.bias,
    scale: model.scale,
    weights: Buffer.from(model.weights.buffer, model.weights.byteOffset, model.weights.byteLength).toString('base64'),
  };
}

export function loadStoredModel(stored: StoredLinearModel): QuantizedModel {
  if (stored.featureBits !== featureBits) {
    throw new InvalidInputError(
      `classifier model uses ${stored.featureBits} feature bits; this heed uses ${featureBits}`,
    );
  }
  const bytes = Buffer.from(stored.weights, 'base64');
  if (bytes.length !== featureDimension) {
    throw new InvalidInputError(`classifier model has ${bytes.length} weights; expected ${featureDimension}`);
  }
  if (!Number.isFinite(stored.bias) || !(stored.scale > 0)) {
    throw new InvalidInputError('classifier model has a bias or scale that is not a positive finite number');
  }
  return {
    bias: stored.bias,
    scale: stored.scale,
    weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length),
  };
}
