// The complementary error function, from two expansions in NIST DLMF chapter 7: the everywhere-convergent series of
// 7.6.2 where erfc is not small (so 1 − erf loses at most two bits), and the continued fraction of 7.9.3 beyond,
// where it converges in fewer than 150 terms and keeps full relative precision down to underflow.

const twoOverSquareRootPi = 2 / Math.sqrt(Math.PI);
const inverseSquareRootPi = 1 / Math.sqrt(Math.PI);
// Below this, erfc(x) > 0.28 and 1 − erf(x) costs at most two bits; above it the continued fraction needs < 150 terms.
const continuedFractionFrom = 0.75;

/** e^(−x²) to full relative precision: x² is split so that the part that is rounded is tiny (x = head + tail). */
function gaussian(x: number): number {
  const head = Math.fround(x);
  const tail = x - head;
  // head² is exact in double precision (24-bit significand squared); only (x − head)(x + head) is rounded.
  return Math.exp(-head * head) * Math.exp(-tail * (x + head));
}

/** erf(x) for 0 ≤ x < 0.75 by DLMF 7.6.2: (2/√π)·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)), every term positive. */
function seriesErf(x: number): number {
  const doubledSquare = 2 * x * x;
  let term = x;
  let sum = x;
  for (let index = 1; term > sum * 1e-17; index++) {
    term *= doubledSquare / (2 * index + 1);
    sum += term;
  }
  return twoOverSquareRootPi * gaussian(x) * sum;
}

/**
 * erfc(x) for x ≥ 0.75 by DLMF 7.9.3, √π·e^(x²)·erfc(x) = 2x/(2x² + 1 − 1·2/(2x² + 5 − 3·4/(2x² + 9 − …))),
 * evaluated from the top down by the modified Lentz method.
 */
function continuedFractionErfc(x: number): number {
  const tiny = 1e-300;
  const base = 2 * x * x + 1;
  let value = base;
  let numerator = base;
  let denominator = 0;
  for (let index = 1; index < 1000; index++) {
    const partialNumerator = -(2 * index - 1) * (2 * index);
    const partialDenominator = base + 4 * index;
    denominator = partialDenominator + partialNumerator * denominator;
    numerator = partialDenominator + partialNumerator / numerator;
    if (denominator === 0) denominator = tiny;
    if (numerator === 0) numerator = tiny;
    denominator = 1 / denominator;
    const factor = numerator * denominator;
    value *= factor;
    if (Math.abs(factor - 1) < 1e-16) break;
  }
  return (2 * x * inverseSquareRootPi * gaussian(x)) / value;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate to a few units in the last place on the whole line. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x >= continuedFractionFrom) return x > 27.3 ? 0 : continuedFractionErfc(x);
  return 1 - seriesErf(x);
}

/** The error function erf(x). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return -erf(-x);
  return x < continuedFractionFrom ? seriesErf(x) : 1 - continuedFractionErfc(x);
}
