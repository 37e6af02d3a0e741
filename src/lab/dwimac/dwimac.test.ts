import { describe, expect, it } from 'vitest';
import { decideCheck, defaultSequence, playSequence } from './dwimac.ts';

const rational = { kind: 'rational' } as const;
const noisy = (beta: number) => ({ kind: 'noisy', beta }) as const;

describe('DWIMAC: check iff Δ > c', () => {
  it("Russell's example checks iff c < 8", () => {
    const belief = { kind: 'uniform', low: -40, high: 60 } as const;
    for (const cost of [0, 5, 7.999]) expect(decideCheck(belief, rational, cost).checks).toBe(true);
    for (const cost of [8, 8.001, 100]) expect(decideCheck(belief, rational, cost).checks).toBe(false);
  });

  it('σ = 0 never checks, even for free, with either human (a confident agent amplifies bad orders)', () => {
    for (const mean of [-3, -0.1, 0, 0.1, 3]) {
      for (const human of [rational, noisy(0.5)]) {
        expect(decideCheck({ kind: 'normal', mean, deviation: 0 }, human, 0).checks).toBe(false);
      }
    }
  });

  it('with a noisy human, σ² ≤ 2β|μ| never checks even at c = 0; just above it, it does', () => {
    for (const [mean, beta] of [
      [1, 0.5],
      [-2, 0.1],
      [3, 0.2],
    ] as const) {
      const boundary = Math.sqrt(2 * beta * Math.abs(mean));
      for (const deviation of [0.2 * boundary, 0.9 * boundary, boundary]) {
        expect(decideCheck({ kind: 'normal', mean, deviation }, noisy(beta), 0).checks).toBe(false);
      }
      expect(decideCheck({ kind: 'normal', mean, deviation: 1.05 * boundary }, noisy(beta), 0).checks).toBe(true);
    }
  });

  it('refuses a negative or missing price', () => {
    expect(() => decideCheck({ kind: 'normal', mean: 0, deviation: 1 }, rational, -1)).toThrow(/≥ 0/);
    expect(() => decideCheck({ kind: 'normal', mean: 0, deviation: 1 }, rational, Number.NaN)).toThrow(/≥ 0/);
  });
});

describe('DWIMAC over a sequence of instructions', () => {
  it('the calibrated agent removes most of the harm with fewer checks than always checking', () => {
    const calibrated = playSequence(defaultSequence, 'calibrated');
    const never = playSequence(defaultSequence, 'never-check');
    const always = playSequence(defaultSequence, 'always-check');
    expect(calibrated.harm).toBeLessThan(0.2 * never.harm);
    expect(calibrated.checks).toBeLessThan(always.checks);
    expect(calibrated.value).toBeGreaterThan(always.value);
    expect(playSequence(defaultSequence, 'overconfident')).toMatchObject({ checks: 0, harm: never.harm });
  });

  it('fatigue β_n = β₀(1 + κn) makes the principal noisier with each check and the agent check less', () => {
    const rested = playSequence({ ...defaultSequence, fatigue: 0 }, 'calibrated');
    const tired = playSequence({ ...defaultSequence, fatigue: 1 }, 'calibrated');
    expect(tired.checks).toBeLessThan(rested.checks);
    expect(tired.harm).toBeGreaterThan(rested.harm);
    const always = playSequence({ ...defaultSequence, fatigue: 1 }, 'always-check');
    // β at the 20th instruction, after 19 checks: β₀(1 + 19κ).
    expect(always.finalBeta).toBeCloseTo(defaultSequence.beta * (1 + 19), 12);
  });
});
