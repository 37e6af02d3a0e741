import { regularizedIncompleteBeta } from './incomplete-beta.ts';

/** A mean over independent runs (seeds, samples) with its standard error and a 95% Student-t interval. */
export interface MeanEstimate {
  mean: number;
  standardError: number;
  low: number;
  high: number;
  n: number;
}

/**
 * The quantile of Student's t distribution with `degrees` degrees of freedom at probability q > 1/2, from
 * P(|T| > t) = I_(ν/(ν + t²))(ν/2, 1/2) (Abramowitz & Stegun 26.7.1, 26.5.27), by bisection.
 */
export function studentTQuantile(q: number, degrees: number): number {
  if (!(q > 0.5 && q < 1)) throw new RangeError(`studentTQuantile needs 1/2 < q < 1, got ${q}.`);
  if (!(degrees > 0)) throw new RangeError(`studentTQuantile needs degrees > 0, got ${degrees}.`);
  const twoSided = 2 * (1 - q);
  const tail = (t: number) => regularizedIncompleteBeta(degrees / (degrees + t * t), degrees / 2, 0.5);
  let low = 0;
  let high = 1;
  while (tail(high) > twoSided) high *= 2;
  for (let iteration = 0; iteration < 200 && high - low > 1e-15 * high; iteration++) {
    const middle = 0.5 * (low + high);
    if (tail(middle) > twoSided) low = middle;
    else high = middle;
  }
  return 0.5 * (low + high);
}

/** Mean, standard error (sample standard deviation / √n) and 95% interval; one value has no spread to estimate. */
export function meanEstimate(values: ArrayLike<number>): MeanEstimate {
  const n = values.length;
  if (n === 0) throw new RangeError('A mean needs at least one value.');
  let sum = 0;
  for (let index = 0; index < n; index++) sum += values[index]!;
  const mean = sum / n;
  if (n === 1) return { mean, standardError: 0, low: mean, high: mean, n };
  let squares = 0;
  for (let index = 0; index < n; index++) squares += (values[index]! - mean) ** 2;
  const standardError = Math.sqrt(squares / (n - 1) / n);
  const half = standardError === 0 ? 0 : studentTQuantile(0.975, n - 1) * standardError;
  return { mean, standardError, low: mean - half, high: mean + half, n };
}

/** "mean ± standard error": how reports print a mean. */
export function formatMean(estimate: MeanEstimate, digits = 2): string {
  return `${estimate.mean.toFixed(digits)} ± ${estimate.standardError.toFixed(digits)}`;
}
