import erfc from '@stdlib/math-base-special-erfc';

// erfc is stdlib's port of FreeBSD's s_erf.c (Sun fdlibm): error below 1 ulp over the whole real line,
// so Φ computed through erfc keeps full relative precision in both tails (no 1 − erf cancellation).

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
