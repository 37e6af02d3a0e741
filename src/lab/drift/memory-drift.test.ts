import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../seeded-random.ts';
import { meanEstimate } from '../statistics/mean-estimate.ts';
import {
  cycleMeanSquare,
  driftParameters,
  driftReport,
  simulateCycles,
  simulateThresholdChecks,
} from './memory-drift.ts';

describe('memory drift', () => {
  it('has the closed form s²(k − 1)/2 + δ²(k − 1)(2k − 1)/6 = mean over t < k of t·s² + t²·δ²', () => {
    for (const [delta, s, k] of [
      [0.1, 0.5, 10],
      [-0.3, 1, 8],
      [2, 0, 3],
      [0, 1, 1],
    ] as const) {
      let total = 0;
      for (let t = 0; t < k; t++) total += t * s * s + t * t * delta * delta;
      expect(cycleMeanSquare(delta, s, k)).toBeCloseTo(total / k, 12);
    }
    expect(cycleMeanSquare(0, 1, 1)).toBe(0);
  });

  it('draws normals with the stated mean and spread', () => {
    const random = new SeededRandom(3);
    const draws = Array.from({ length: 40_000 }, () => random.normal(1.5, 2));
    const estimate = meanEstimate(draws);
    expect(Math.abs(estimate.mean - 1.5)).toBeLessThan(4 * estimate.standardError);
    const variance = draws.reduce((sum, draw) => sum + (draw - estimate.mean) ** 2, 0) / (draws.length - 1);
    expect(variance).toBeGreaterThan(3.85);
    expect(variance).toBeLessThan(4.15);
  });

  it('a seeded Monte Carlo estimate covers the closed form', () => {
    for (const [delta, s, resetEvery, seed] of [
      [0.1, 0.5, 10, 1],
      [0.5, 0.2, 20, 2],
      [-0.3, 1, 8, 3],
    ] as const) {
      const estimate = simulateCycles(driftParameters({ delta, s, resetEvery, samples: 20_000, seed }));
      const closed = cycleMeanSquare(delta, s, resetEvery);
      expect(Math.abs(estimate.mean - closed)).toBeLessThan(4 * estimate.standardError);
    }
  });

  it('a threshold check resets less and lets the goal drift further as θ grows; θ = 0 is resetting every cycle', () => {
    const at = (threshold: number) => simulateThresholdChecks(driftParameters({ threshold, samples: 8000, seed: 5 }));
    const always = at(0);
    expect(always.resetRate.mean).toBe(1);
    expect(Math.abs(always.meanSquare.mean - cycleMeanSquare(0.1, 0.5, 10))).toBeLessThan(
      4 * always.meanSquare.standardError,
    );
    const loose = at(2);
    expect(loose.resetRate.mean).toBeLessThan(0.6);
    expect(loose.meanSquare.mean).toBeGreaterThan(always.meanSquare.mean + 4 * loose.meanSquare.standardError);
  });

  it('refuses bad parameters naming the field', () => {
    expect(() => driftParameters({ s: -1 })).toThrow(/s/);
    expect(() => driftParameters({ resetEvery: 0 })).toThrow(/resetEvery/);
    expect(driftReport({ samples: 100 }).monteCarlo.samples).toBe(100);
  });
});
