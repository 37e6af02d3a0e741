import { logGamma } from './log-gamma.ts';

// The regularized incomplete beta function I_x(a, b) by its continued fraction (DLMF 8.17.22), evaluated by the
// modified Lentz method where it converges fast, x < (a + 1)/(a + b + 2), and through I_x(a, b) = 1 − I_(1−x)(b, a)
// elsewhere. It is the binomial tail: P(X ≥ k) = I_p(k, n − k + 1) for X ~ Binomial(n, p) (DLMF 8.17.5).

function continuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let numerator = 1;
  let denominator = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(denominator) < tiny) denominator = tiny;
  denominator = 1 / denominator;
  let value = denominator;
  for (let index = 1; index <= 10_000; index++) {
    const twice = 2 * index;
    for (const coefficient of [
      (index * (b - index) * x) / ((a + twice - 1) * (a + twice)),
      (-(a + index) * (a + b + index) * x) / ((a + twice) * (a + twice + 1)),
    ]) {
      denominator = 1 + coefficient * denominator;
      if (Math.abs(denominator) < tiny) denominator = tiny;
      numerator = 1 + coefficient / numerator;
      if (Math.abs(numerator) < tiny) numerator = tiny;
      denominator = 1 / denominator;
      value *= numerator * denominator;
    }
    if (Math.abs(numerator * denominator - 1) < 1e-16) return value;
  }
  return value;
}

/** I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`The incomplete beta function needs a, b > 0, got a = ${a}, b = ${b}.`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`The incomplete beta function needs 0 ≤ x ≤ 1, got ${x}.`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * continuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * continuedFraction(1 - x, b, a)) / b;
}
