// Memory drift (docs/lab-experiments.md): a goal g drifts as g_(t+1) = g_t + N(δ, s²). Reset to 0 every k steps, the
// cycle average of E[g_t²] over t = 0 … k − 1 has a closed form; a check every k steps that resets only when |g| > θ
// lets drift below θ accumulate, estimated by seeded Monte Carlo.
import { z } from 'zod';
import { parseWithSchema } from '../../core/parse-with-schema.ts';
import { SeededRandom } from '../seeded-random.ts';
import { type MeanEstimate, meanEstimate } from '../statistics/mean-estimate.ts';

export const driftParametersSchema = z
  .object({
    delta: z.number().min(-1e6).max(1e6).default(0.1),
    /** s: the standard deviation of one step's drift. */
    s: z.number().min(0).max(1e6).default(0.5),
    resetEvery: z.number().int().min(1).max(10_000).default(10),
    threshold: z.number().min(0).max(1e6).default(1),
    samples: z.number().int().min(2).max(10_000_000).default(20_000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
  })
  .strict();

export type DriftParameters = z.output<typeof driftParametersSchema>;

export function driftParameters(input: unknown = {}): DriftParameters {
  return parseWithSchema(driftParametersSchema, input, 'drift parameters');
}

/** E[g_t²] = t·s² + t²·δ², averaged over t = 0 … k − 1: s²(k − 1)/2 + δ²(k − 1)(2k − 1)/6. */
export function cycleMeanSquare(delta: number, s: number, resetEvery: number): number {
  const k = resetEvery;
  return (s * s * (k - 1)) / 2 + (delta * delta * (k - 1) * (2 * k - 1)) / 6;
}

/** Each sample is one cycle of k steps from g_0 = 0; its average of g_t² estimates the cycle mean square. */
export function simulateCycles(parameters: DriftParameters): MeanEstimate {
  const random = new SeededRandom(parameters.seed);
  const averages = new Float64Array(parameters.samples);
  for (let sample = 0; sample < parameters.samples; sample++) {
    let goal = 0;
    let total = 0;
    for (let step = 0; step < parameters.resetEvery; step++) {
      total += goal * goal;
      goal += random.normal(parameters.delta, parameters.s);
    }
    averages[sample] = total / parameters.resetEvery;
  }
  return meanEstimate(averages);
}

/** Cycles per chain in the threshold variant, and how many are discarded while the chain settles. */
export const thresholdChain = { cycles: 40, burnIn: 10 };

export interface ThresholdOutcome {
  threshold: number;
  /** The long-run average of g_t², one independent chain per sample. */
  meanSquare: MeanEstimate;
  /** The share of checks that found |g| > θ and reset. */
  resetRate: MeanEstimate;
}

/**
 * Every k steps the goal is checked and reset to 0 only if |g| > θ. Each sample is an independent chain of
 * `thresholdChain.cycles` cycles from g = 0; the first `burnIn` cycles are discarded, the rest averaged.
 */
export function simulateThresholdChecks(parameters: DriftParameters): ThresholdOutcome {
  const random = new SeededRandom(parameters.seed ^ 0x5bd1e995);
  const chains = Math.max(2, Math.floor(parameters.samples / thresholdChain.cycles));
  const meanSquares = new Float64Array(chains);
  const resetRates = new Float64Array(chains);
  const counted = thresholdChain.cycles - thresholdChain.burnIn;
  for (let chain = 0; chain < chains; chain++) {
    let goal = 0;
    let total = 0;
    let resets = 0;
    for (let cycle = 0; cycle < thresholdChain.cycles; cycle++) {
      for (let step = 0; step < parameters.resetEvery; step++) {
        if (cycle >= thresholdChain.burnIn) total += goal * goal;
        goal += random.normal(parameters.delta, parameters.s);
      }
      if (Math.abs(goal) > parameters.threshold) {
        goal = 0;
        if (cycle >= thresholdChain.burnIn) resets++;
      }
    }
    meanSquares[chain] = total / (counted * parameters.resetEvery);
    resetRates[chain] = resets / counted;
  }
  return {
    threshold: parameters.threshold,
    meanSquare: meanEstimate(meanSquares),
    resetRate: meanEstimate(resetRates),
  };
}

export interface DriftReport {
  parameters: DriftParameters;
  cycleMeanSquare: number;
  monteCarlo: { estimate: number; low: number; high: number; standardError: number; samples: number };
  closedFormInInterval: boolean;
  thresholdCheck: ThresholdOutcome;
}

export function driftReport(input: unknown = {}): DriftReport {
  const parameters = driftParameters(input);
  const closed = cycleMeanSquare(parameters.delta, parameters.s, parameters.resetEvery);
  const simulated = simulateCycles(parameters);
  return {
    parameters,
    cycleMeanSquare: closed,
    monteCarlo: {
      estimate: simulated.mean,
      low: simulated.low,
      high: simulated.high,
      standardError: simulated.standardError,
      samples: simulated.n,
    },
    closedFormInInterval: simulated.low <= closed && closed <= simulated.high,
    thresholdCheck: simulateThresholdChecks(parameters),
  };
}
