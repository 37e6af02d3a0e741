import { describe, expect, it } from 'vitest';
import { integrateGaussKronrod } from '../off-switch/gauss-kronrod.ts';
import { clopperPearson, formatRate } from './clopper-pearson.ts';
import { erf, erfc } from './error-function.ts';
import { regularizedIncompleteBeta } from './incomplete-beta.ts';
import { logGamma } from './log-gamma.ts';
import { formatMean, meanEstimate, studentTQuantile } from './mean-estimate.ts';
import { standardNormalCdf } from './standard-normal.ts';

const relativeError = (value: number, reference: number) => Math.abs(value - reference) / Math.abs(reference);

describe('error function', () => {
  it('matches Abramowitz & Stegun Table 7.1 (erf to 15 decimals)', () => {
    const table: Array<[number, number]> = [
      [0.1, 0.112462916018285],
      [0.5, 0.520499877813047],
      [1, 0.842700792949715],
      [1.5, 0.966105146475311],
      [2, 0.995322265018953],
    ];
    for (const [x, value] of table) {
      expect(Math.abs(erf(x) - value), `erf(${x})`).toBeLessThan(6e-16);
      expect(Math.abs(erfc(x) - (1 - value)), `erfc(${x})`).toBeLessThan(6e-16);
    }
  });

  it('keeps full relative precision in the tail (30-digit references from mpmath 1.3, BSD licence)', () => {
    // Written as text: the references carry more digits than a double holds.
    const references: Array<[number, string]> = [
      [0.25, '0.723673609831763067'],
      [1.25, '0.0770998717435417699'],
      [1.75, '0.0133283287808175562'],
      [3, '2.20904969985854414e-5'],
      [4, '1.54172579002800189e-8'],
      [5, '1.53745979442803485e-12'],
      [10, '2.08848758376254476e-45'],
      [20, '5.39586561160790093e-176'],
      [26, '5.66319240885614285e-296'],
    ];
    for (const [x, value] of references)
      expect(relativeError(erfc(x), Number(value)), `erfc(${x})`).toBeLessThan(5e-15);
  });

  it('agrees with the quadrature (2/√π)∫ₓ^∞ e^(−t²) dt, an independent computation', () => {
    for (let x = 0; x <= 12; x += 0.37) {
      // Scaled by e^(x²) so that the integral is of order 1/x and the quadrature's tolerance is relative.
      const scaled = integrateGaussKronrod((t) => Math.exp(-(t - x) * (t + x)), x, x + 10).value;
      const reference = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * scaled;
      expect(relativeError(erfc(x), reference), `x = ${x}`).toBeLessThan(1e-13);
    }
  });

  it('has the symmetries and limits of erfc', () => {
    expect(erfc(0)).toBe(1);
    expect(erf(0)).toBe(0);
    for (const x of [0.3, 0.75, 1.2, 4]) {
      expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 15);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(30)).toBe(0);
    expect(Number.isNaN(erfc(Number.NaN))).toBe(true);
    // Continuous where the method changes (x = 0.75).
    expect(relativeError(erfc(0.75 - 1e-12), erfc(0.75))).toBeLessThan(1e-11);
  });

  it('gives published values of Φ', () => {
    expect(standardNormalCdf(0)).toBe(0.5);
    expect(standardNormalCdf(1)).toBeCloseTo(0.841344746068543, 14);
    expect(standardNormalCdf(-1.96)).toBeCloseTo(0.0249978951482204, 15);
    expect(standardNormalCdf(-10) / 7.61985302416047e-24).toBeCloseTo(1, 12);
  });
});

describe('log-gamma and the incomplete beta function', () => {
  it('gives ln((n − 1)!) at whole numbers and ln √π at 1/2', () => {
    let factorial = 1;
    for (let n = 1; n <= 30; n++) {
      expect(Math.abs(logGamma(n) - Math.log(factorial)), `n = ${n}`).toBeLessThan(
        1e-13 * Math.max(1, Math.log(factorial)),
      );
      factorial *= n;
    }
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(() => logGamma(0)).toThrow(RangeError);
  });

  it('is the binomial tail: I_p(k, n − k + 1) = P(X ≥ k), summed directly', () => {
    const choose = (n: number, k: number) => {
      let value = 1;
      for (let index = 1; index <= k; index++) value = (value * (n - k + index)) / index;
      return value;
    };
    for (const n of [1, 5, 20, 60]) {
      for (const p of [0.01, 0.3, 0.5, 0.93]) {
        for (let k = 1; k <= n; k += Math.max(1, Math.floor(n / 7))) {
          let tail = 0;
          for (let j = k; j <= n; j++) tail += choose(n, j) * p ** j * (1 - p) ** (n - j);
          expect(Math.abs(regularizedIncompleteBeta(p, k, n - k + 1) - tail), `n ${n} k ${k} p ${p}`).toBeLessThan(
            1e-13,
          );
        }
      }
    }
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 15);
    expect(regularizedIncompleteBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 15);
  });
});

describe('Clopper–Pearson interval', () => {
  it('has the closed forms at k = 0 and k = n: (0, 1 − 0.025^(1/n)) and (0.025^(1/n), 1)', () => {
    for (const n of [1, 20, 1000]) {
      expect(clopperPearson(0, n)).toMatchObject({ rate: 0, low: 0 });
      expect(clopperPearson(0, n).high).toBeCloseTo(1 - 0.025 ** (1 / n), 14);
      expect(clopperPearson(n, n).low).toBeCloseTo(0.025 ** (1 / n), 14);
      expect(clopperPearson(n, n).high).toBe(1);
    }
  });

  it('solves its defining equations and is symmetric in successes and failures', () => {
    for (const [k, n] of [
      [7, 20],
      [1, 1000],
      [500, 1000],
    ] as const) {
      const interval = clopperPearson(k, n);
      expect(regularizedIncompleteBeta(interval.low, k, n - k + 1)).toBeCloseTo(0.025, 12);
      expect(1 - regularizedIncompleteBeta(interval.high, k + 1, n - k)).toBeCloseTo(0.025, 12);
      const mirrored = clopperPearson(n - k, n);
      expect(mirrored.low).toBeCloseTo(1 - interval.high, 13);
      expect(mirrored.high).toBeCloseTo(1 - interval.low, 13);
    }
  });

  it('matches scipy 1.17 beta.ppf (BSD licence) to 1e-12', () => {
    expect(clopperPearson(7, 20)).toMatchObject({ successes: 7, trials: 20, rate: 0.35 });
    expect(clopperPearson(7, 20).low).toBeCloseTo(0.15390920478454118, 12);
    expect(clopperPearson(7, 20).high).toBeCloseTo(0.5921885345328282, 12);
    expect(clopperPearson(9990, 10000).low).toBeCloseTo(0.9981617358657894, 12);
    expect(clopperPearson(9990, 10000).high).toBeCloseTo(0.9995203602762289, 12);
    expect(formatRate(clopperPearson(20, 20))).toBe('20/20 [0.83, 1.00]');
  });

  it('refuses impossible counts', () => {
    expect(() => clopperPearson(3, 2)).toThrow(/0 ≤ k ≤ n/);
    expect(() => clopperPearson(0, 0)).toThrow(/n ≥ 1/);
    expect(() => clopperPearson(1.5, 4)).toThrow(RangeError);
  });
});

describe('means', () => {
  it("gives Student's t quantiles of Abramowitz & Stegun Table 26.10 (t at 0.975)", () => {
    const table: Array<[number, number]> = [
      [1, 12.706],
      [2, 4.303],
      [5, 2.571],
      [19, 2.093],
      [120, 1.98],
    ];
    for (const [degrees, value] of table) expect(studentTQuantile(0.975, degrees)).toBeCloseTo(value, 3);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });

  it('reports mean, standard error and a t interval', () => {
    const estimate = meanEstimate([1, 2, 3, 4]);
    expect(estimate.mean).toBe(2.5);
    expect(estimate.standardError).toBeCloseTo(Math.sqrt(5 / 3 / 4), 15);
    expect(estimate.high - estimate.mean).toBeCloseTo(studentTQuantile(0.975, 3) * estimate.standardError, 15);
    expect(meanEstimate([7, 7, 7])).toMatchObject({ mean: 7, standardError: 0, low: 7, high: 7 });
    expect(meanEstimate([5])).toMatchObject({ mean: 5, standardError: 0, n: 1 });
    expect(formatMean(estimate)).toBe('2.50 ± 0.65');
    expect(() => meanEstimate([])).toThrow(RangeError);
  });
});
