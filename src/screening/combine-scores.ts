// Logistic stacking: one calibrated score from the detectors' scores, fitted on out-of-fold predictions.
import type { Provenance } from '../charter/charter-schema.ts';
import type { DetectorResult } from './detector.ts';

export interface Calibration {
  intercept: number;
  /** Weight on the logit of a detector's score (for probability-like scores, such as the classifier's). */
  logit: Record<string, number>;
  /** Weight on the score itself (for evidence-like scores, such as the rules' noisy-or). */
  linear: Record<string, number>;
}

/**
 * One calibration for a principal's words and one for untrusted content (tool output and documents): the same
 * detector scores mean different odds in each, since an order is normal from a principal and suspect in data.
 */
export type ProvenanceCalibration = Record<'principal' | 'untrusted', Calibration>;

export function provenanceGroup(provenance: Provenance): keyof ProvenanceCalibration {
  return provenance === 'principal' ? 'principal' : 'untrusted';
}

const epsilon = 1e-4;

export function logit(probability: number): number {
  const clipped = Math.min(1 - epsilon, Math.max(epsilon, probability));
  return Math.log(clipped / (1 - clipped));
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/**
 * Detectors the calibration names are stacked; any other detector (one a user added) enters by maximum,
 * so adding a detector can raise a score but never hide what the calibrated ones found.
 */
export function combineScores(results: Record<string, DetectorResult>, calibration: Calibration | null): number {
  let stacked = calibration?.intercept ?? 0;
  let stackedAny = false;
  let maximum = 0;
  for (const [name, result] of Object.entries(results)) {
    const logitWeight = calibration?.logit[name];
    const linearWeight = calibration?.linear[name];
    if (logitWeight !== undefined) stacked += logitWeight * logit(result.score);
    if (linearWeight !== undefined) stacked += linearWeight * result.score;
    if (logitWeight === undefined && linearWeight === undefined) maximum = Math.max(maximum, result.score);
    else stackedAny = true;
  }
  return stackedAny ? Math.max(sigmoid(stacked), maximum) : maximum;
}
