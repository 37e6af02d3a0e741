import { erfc } from './error-function.ts';

// Φ through erfc keeps full relative precision in both tails (no 1 − erf cancellation).

const inverseSquareRootTwo = 1 / Math.SQRT2;
const inverseSquareRootTwoPi = 1 / Math.sqrt(2 * Math.PI);

/** The standard normal cumulative distribution Φ(x). */
export function standardNormalCdf(x: number): number {
  return 0.5 * erfc(-x * inverseSquareRootTwo);
}

/** The standard normal density φ(x). */
export function standardNormalDensity(x: number): number {
  return inverseSquareRootTwoPi * Math.exp(-0.5 * x * x);
}
