import type { QuadratureResult } from './gauss-kronrod.ts';

// Double-exponential (tanh-sinh) quadrature: an algorithm independent of Gauss–Kronrod, used to cross-check it.
// x = tanh(π/2·sinh(t)) maps (−1, 1) to the whole t-line; the trapezoid rule in t converges doubly exponentially
// for integrands analytic inside the interval, and halving the step reuses every earlier node.

const halfPi = Math.PI / 2;
const maximumLevel = 12;
// Two coarse levels can agree by both missing a feature; convergence is judged from this level on.
const minimumLevel = 3;
const tLimit = 3.2;

/** ∫_start^end integrand by tanh-sinh, halving the step until two levels agree to `relativeTolerance`. */
export function integrateTanhSinh(
  integrand: (x: number) => number,
  start: number,
  end: number,
  options: { relativeTolerance?: number; absoluteTolerance?: number } = {},
): QuadratureResult {
  const relativeTolerance = options.relativeTolerance ?? 1e-13;
  const absoluteTolerance = options.absoluteTolerance ?? 1e-15;
  if (start === end) return { value: 0, error: 0 };
  const centre = 0.5 * (start + end);
  const halfLength = 0.5 * (end - start);
  // One node pair at ±t; the distance to the nearer end is computed without cancellation.
  const pair = (t: number): number => {
    const sinhTerm = halfPi * Math.sinh(t);
    const weight = (halfPi * Math.cosh(t)) / Math.cosh(sinhTerm) ** 2;
    const distanceFromEnd = halfLength / (Math.exp(sinhTerm) * Math.cosh(sinhTerm));
    if (weight === 0 || distanceFromEnd === 0) return 0;
    return weight * (integrand(end - distanceFromEnd) + integrand(start + distanceFromEnd));
  };
  let step = 1;
  let sum = integrand(centre) * halfPi;
  for (let t = step; t <= tLimit; t += step) sum += pair(t);
  let previous = sum * step * halfLength;
  for (let level = 1; level <= maximumLevel; level++) {
    step /= 2;
    for (let t = step; t <= tLimit; t += 2 * step) sum += pair(t);
    const value = sum * step * halfLength;
    const error = Math.abs(value - previous);
    if (level >= minimumLevel && error <= Math.max(absoluteTolerance, relativeTolerance * Math.abs(value))) {
      return { value, error };
    }
    previous = value;
  }
  return { value: previous, error: Number.NaN };
}
