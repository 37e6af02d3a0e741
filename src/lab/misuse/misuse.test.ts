import { describe, expect, it } from 'vitest';
import { catastropheProbability, maliciousCount, misuseParameters, misuseReport, simulateMisuse } from './misuse.ts';

describe('misuse amplification', () => {
  it('has the closed form 1 − (1 − p_c(1 − t^k))^M, worked by hand', () => {
    const point = { principals: 10, badFraction: 0.2, refusal: 0.5, retries: 2, pCatastrophe: 0.1 };
    // M = 2; one principal succeeds with 1 − 0.25 = 0.75, is catastrophic with 0.075; two: 1 − 0.925².
    expect(maliciousCount(point)).toBe(2);
    expect(catastropheProbability(point)).toBeCloseTo(1 - 0.925 ** 2, 15);
    expect(maliciousCount({ principals: 3, badFraction: 0.5 })).toBe(2);
    expect(catastropheProbability({ ...point, badFraction: 0 })).toBe(0);
    expect(catastropheProbability({ ...point, refusal: 1 })).toBe(0);
  });

  it('with t = 0 (pure instruction-following) grows with N·b alone', () => {
    const at = (principals: number, badFraction: number) =>
      catastropheProbability({ principals, badFraction, refusal: 0, retries: 3, pCatastrophe: 0.01 });
    expect(at(100, 0.1)).toBeCloseTo(at(1000, 0.01), 15);
    const growing = [10, 100, 1000, 10000].map((principals) => at(principals, 0.05));
    for (let index = 1; index < growing.length; index++) expect(growing[index]!).toBeGreaterThan(growing[index - 1]!);
    expect(growing.at(-1)).toBeGreaterThan(0.99);
  });

  it('a seeded simulation of every attempt covers the closed form: its 95% interval holds it on at least 180 of 200 seeds', () => {
    const point = { principals: 50, badFraction: 0.1, refusal: 0.6, retries: 2, pCatastrophe: 0.2 };
    const closed = catastropheProbability(point);
    let covered = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const estimate = simulateMisuse(misuseParameters({ ...point, samples: 2000, seed }));
      if (estimate.low <= closed && closed <= estimate.high) covered++;
    }
    // Clopper–Pearson covers at least 95%; 180 of 200 leaves room for sampling, and an interval that always covered
    // (a wrong width) would show as 200.
    expect(covered).toBeGreaterThanOrEqual(180);
    expect(covered).toBeLessThan(200);
  });

  it('reproduces from its seed and refuses bad parameters naming the field', () => {
    expect(misuseReport({ seed: 7, samples: 500 })).toEqual(misuseReport({ seed: 7, samples: 500 }));
    expect(misuseReport({ seed: 7, samples: 500 }).monteCarlo).not.toEqual(
      misuseReport({ seed: 8, samples: 500 }).monteCarlo,
    );
    expect(() => misuseParameters({ retries: 0 })).toThrow(/retries/);
    expect(() => misuseParameters({ refusal: 1.2 })).toThrow(/refusal/);
  });
});
