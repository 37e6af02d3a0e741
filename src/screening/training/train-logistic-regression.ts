// L2-regularised logistic regression by AdaGrad over shuffled examples: sparse, deterministic for a seed.

import { seededRandom, shuffleInPlace } from '../../core/seeded-random.ts';
import { featureDimension, type HashedFeatures } from '../classifier/hash-features.ts';

export interface TrainingExample {
  features: HashedFeatures;
  label: 0 | 1;
  /** How much this example counts (1 when absent): source balancing gives each source a fair share. */
  weight?: number;
}

export interface LogisticRegressionOptions {
  seed: number;
  epochs: number;
  learningRate: number;
  /** L2 penalty per example; applied lazily to the features an example touches. */
  l2: number;
}

export interface TrainedLinearModel {
  bias: number;
  weights: Float64Array;
}

export function trainLogisticRegression(
  examples: readonly TrainingExample[],
  options: LogisticRegressionOptions,
): TrainedLinearModel {
  const weights = new Float64Array(featureDimension);
  const squaredGradients = new Float64Array(featureDimension);
  let bias = 0;
  let biasSquaredGradient = 0;
  const totals = [0, 0];
  for (const example of examples) totals[example.label]! += example.weight ?? 1;
  // Balanced class weights: the score must not depend on this set's attack share.
  const all = totals[0]! + totals[1]!;
  const classWeight = [all / (2 * totals[0]!), all / (2 * totals[1]!)];
  const random = seededRandom(options.seed);
  const order = examples.map((_example, index) => index);
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    shuffleInPlace(order, random);
    for (const position of order) {
      const { features, label, weight = 1 } = examples[position]!;
      let logit = bias;
      for (const index of features.indices) logit += weights[index]! * features.value;
      const probability = 1 / (1 + Math.exp(-logit));
      const error = (probability - label) * classWeight[label]! * weight;
      for (const index of features.indices) {
        const gradient = error * features.value + options.l2 * weights[index]!;
        squaredGradients[index]! += gradient * gradient;
        weights[index]! -= (options.learningRate * gradient) / Math.sqrt(squaredGradients[index]! + 1e-8);
      }
      biasSquaredGradient += error * error;
      bias -= (options.learningRate * error) / Math.sqrt(biasSquaredGradient + 1e-8);
    }
  }
  return { bias, weights };
}
