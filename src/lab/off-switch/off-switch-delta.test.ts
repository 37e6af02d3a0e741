import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { deferenceThreshold, deltaMinimumBelowThreshold } from './deference-threshold.ts';
import { integrateGaussKronrod } from './gauss-kronrod.ts';
import { closedFormOffSwitch, numericOffSwitch, solveOffSwitch } from './off-switch-delta.ts';
import { integrateTanhSinh } from './tanh-sinh.ts';

const rational = { kind: 'rational' } as const;
const noisy = (beta: number) => ({ kind: 'noisy', beta }) as const;
const normal = (mean: number, deviation: number) => ({ kind: 'normal', mean, deviation }) as const;
const means = [-3, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 3];
// |μ|/σ stays ≤ 15 here: beyond about 38 a rational human's Δ underflows to 0 in double precision.
const deviations = [0.2, 0.3, 1, 2.5, 7];

describe('quadratures', () => {
  it('integrates known integrals with both rules', () => {
    for (const integrate of [integrateGaussKronrod, integrateTanhSinh]) {
      expect(integrate(Math.sin, 0, Math.PI).value).toBeCloseTo(2, 13);
      expect(integrate((x) => Math.exp(-x * x), -10, 10).value).toBeCloseTo(Math.sqrt(Math.PI), 13);
      expect(integrate((x) => 1 / (1 + x * x), 0, 1).value).toBeCloseTo(Math.PI / 4, 13);
    }
  });
});

describe('off-switch game, rational human', () => {
  it('agrees: closed form, Gauss–Kronrod and tanh-sinh to 1e-6 (in fact ~1e-15)', () => {
    for (const mean of means) {
      for (const deviation of deviations) {
        const closed = closedFormOffSwitch(normal(mean, deviation), rational);
        expect(closed).toBeDefined();
        for (const method of ['gauss-kronrod', 'tanh-sinh'] as const) {
          const numeric = numericOffSwitch(normal(mean, deviation), rational, method);
          expect(Math.abs(numeric.delta - (closed?.delta ?? Number.NaN))).toBeLessThan(1e-6);
          expect(Math.abs(numeric.wait - (closed?.wait ?? Number.NaN))).toBeLessThan(1e-6);
        }
      }
    }
  });

  it('Δ > 0 for every spread belief and Δ = 0 exactly for a point mass', () => {
    for (const mean of means) {
      for (const deviation of deviations) {
        const result = solveOffSwitch(normal(mean, deviation), rational);
        expect(result.delta).toBeGreaterThan(0);
        expect(result.defers).toBe(true);
      }
      const pointMass = solveOffSwitch(normal(mean, 0), rational);
      expect(pointMass.delta).toBe(0);
      expect(pointMass.defers).toBe(false);
    }
  });

  it("reproduces Russell's example: U ~ Uniform[−40, 60] gives act = 10, wait = 18", () => {
    const result = solveOffSwitch({ kind: 'uniform', low: -40, high: 60 }, rational);
    expect(result).toMatchObject({ act: 10, wait: 18, delta: 8, defers: true, method: 'closed-form' });
    expect(numericOffSwitch({ kind: 'uniform', low: -40, high: 60 }, rational).wait).toBeCloseTo(18, 12);
    expect(numericOffSwitch({ kind: 'uniform', low: -40, high: 60 }, rational, 'tanh-sinh').wait).toBeCloseTo(18, 12);
  });
});

describe('off-switch game, noisy human', () => {
  it('Gauss–Kronrod and tanh-sinh agree to 1e-10', () => {
    for (const beta of [0.05, 0.5, 2]) {
      for (const mean of means) {
        for (const deviation of deviations) {
          const kronrod = numericOffSwitch(normal(mean, deviation), noisy(beta), 'gauss-kronrod');
          const tanhSinh = numericOffSwitch(normal(mean, deviation), noisy(beta), 'tanh-sinh');
          expect(Math.abs(kronrod.delta - tanhSinh.delta)).toBeLessThan(1e-10);
        }
      }
    }
  });

  it('defers exactly when σ² > 2β|μ| (checked off the boundary, on a grid)', () => {
    for (const beta of [0.1, 0.5, 1, 3]) {
      for (const mean of means) {
        for (const deviation of [0, ...deviations]) {
          const criterion = deviation * deviation > 2 * beta * Math.abs(mean);
          expect(
            solveOffSwitch(normal(mean, deviation), noisy(beta)).defers,
            `μ=${mean} σ=${deviation} β=${beta}`,
          ).toBe(criterion);
        }
      }
    }
  });

  it('has Δ = 0 on the boundary σ² = 2β|μ| and a bisected threshold equal to √(2β|μ|)', () => {
    for (const [mean, beta] of [
      [1, 0.5],
      [-2, 1],
      [0.3, 3],
      [5, 0.1],
    ] as const) {
      const boundary = Math.sqrt(2 * beta * Math.abs(mean));
      expect(Math.abs(solveOffSwitch(normal(mean, boundary), noisy(beta)).delta)).toBeLessThan(1e-12);
      expect(deferenceThreshold(mean, noisy(beta)) / boundary).toBeCloseTo(1, 8);
    }
  });

  it('a robot certain of its payoff never defers to a noisy human: Δ = −|μ|·logistic(−|μ|/β)', () => {
    const result = solveOffSwitch(normal(2, 0), noisy(1));
    expect(result.delta).toBeCloseTo(-2 / (1 + Math.exp(2)), 15);
    expect(result.defers).toBe(false);
  });
});

describe('bad input', () => {
  it('rejects negative spread, non-finite numbers, empty uniform ranges and β ≤ 0', () => {
    expect(() => solveOffSwitch(normal(0, -1), rational)).toThrow(InvalidInputError);
    expect(() => solveOffSwitch(normal(Number.NaN, 1), rational)).toThrow(/mean/);
    expect(() => solveOffSwitch({ kind: 'uniform', low: 1, high: 1 }, rational)).toThrow(/low < high/);
    expect(() => solveOffSwitch(normal(0, 1), noisy(0))).toThrow(/β/);
    expect(() => solveOffSwitch(normal(0, 1), noisy(Number.POSITIVE_INFINITY))).toThrow(/β/);
  });
});

describe('what the proofs say (docs/lab-formal.md)', () => {
  it('rational human: Δ = 0 for every one-signed belief, not only point masses', () => {
    for (const [low, high] of [
      [1, 5],
      [-5, -1],
      [0, 3],
      [-2, 0],
    ] as const) {
      expect(solveOffSwitch({ kind: 'uniform', low, high }, rational).delta).toBe(0);
      expect(Math.abs(numericOffSwitch({ kind: 'uniform', low, high }, rational).delta)).toBeLessThan(1e-12);
    }
  });

  it('noisy human: Δ is not monotone in σ (μ = 3, β = 0.2: a minimum near 0.95, a sign change at √1.2)', () => {
    const human = noisy(0.2);
    const minimum = deltaMinimumBelowThreshold(3, human);
    expect(minimum.deviation).toBeGreaterThan(0.9);
    expect(minimum.deviation).toBeLessThan(1);
    const delta = (deviation: number) => solveOffSwitch(normal(3, deviation), human).delta;
    expect(delta(0)).toBeGreaterThan(minimum.delta);
    expect(delta(0.95)).toBeLessThan(delta(0.5));
    expect(deferenceThreshold(3, human)).toBeCloseTo(Math.sqrt(1.2), 9);
    expect(delta(1.09)).toBeLessThan(0);
    expect(delta(1.1)).toBeGreaterThan(0);
  });

  it('noisy human: the paired integrand’s bracket has the sign of 2μ/σ² + 1/β (μ < 0), so Δ has one sign change', () => {
    // Δ = ∫₀^∞ u π(u) φ(−u) [e^(2μu/σ²) − e^(−u/β)] du for μ < 0 (φ the belief's density at −u).
    for (const [mean, deviation, beta] of [
      [-1, 0.5, 1],
      [-1, 2, 1],
      [-0.3, 1, 0.1],
      [-2, 3, 2],
    ] as const) {
      const density = (u: number) =>
        Math.exp(-((u - mean) ** 2) / (2 * deviation ** 2)) / (deviation * Math.sqrt(2 * Math.PI));
      const allow = (u: number) => 1 / (1 + Math.exp(-u / beta));
      const paired = integrateGaussKronrod(
        (u) => u * allow(u) * density(-u) * (Math.exp((2 * mean * u) / deviation ** 2) - Math.exp(-u / beta)),
        0,
        Math.abs(mean) + 40 * deviation,
      ).value;
      expect(paired).toBeCloseTo(solveOffSwitch(normal(mean, deviation), noisy(beta)).delta, 10);
      expect(Math.sign(paired)).toBe(Math.sign((2 * mean) / deviation ** 2 + 1 / beta));
    }
  });
});
