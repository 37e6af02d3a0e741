import { describe, expect, it } from 'vitest';
import {
  exactChainStepsToRun,
  expectedStepsToRun,
  leaseCost,
  leaseParameters,
  leaseReport,
  probabilityOfRunWithin,
} from './lease-chain.ts';

describe('lease: steps to a false lapse', () => {
  it('closed form (1 − ρ^m)/((1 − ρ)ρ^m) equals the Markov chain solved as a linear system', () => {
    for (const [rho, length] of [
      [0.01, 2],
      [0.1, 3],
      [0.3, 5],
      [0.5, 5],
      [0.9, 10],
      [1, 4],
    ] as const) {
      expect(exactChainStepsToRun(rho, length) / expectedStepsToRun(rho, length)).toBeCloseTo(1, 10);
    }
    // Worked by hand: ρ = 1/2, m = 1 takes 2 steps on average; m = 2 takes 6.
    expect(expectedStepsToRun(0.5, 1)).toBe(2);
    expect(expectedStepsToRun(0.5, 2)).toBe(6);
  });

  it('P(a run of m within T) is exact: m = 1 is 1 − (1 − ρ)^T, and it grows with T', () => {
    expect(probabilityOfRunWithin(0.2, 1, 5)).toBeCloseTo(1 - 0.8 ** 5, 15);
    expect(probabilityOfRunWithin(0.5, 2, 2)).toBeCloseTo(0.25, 15);
    // Two steps then a third: runs of 2 within 3 steps are LLx or xLL with x ≠ L first: 1/4 + 1/8.
    expect(probabilityOfRunWithin(0.5, 2, 3)).toBeCloseTo(0.375, 15);
    expect(probabilityOfRunWithin(0.3, 3, 200)).toBeGreaterThan(probabilityOfRunWithin(0.3, 3, 100));
  });
});

describe('lease: choosing m and the attacker', () => {
  it('trades false lapses, which fall with m, against unsupervised steps, which rise', () => {
    const parameters = leaseParameters();
    const costs = [1, 2, 3, 4, 5].map((m) => leaseCost(parameters, m));
    for (let index = 1; index < costs.length; index++) {
      expect(costs[index]!.expectedFalseLapses).toBeLessThan(costs[index - 1]!.expectedFalseLapses);
      expect(costs[index]!.expectedUnsupervisedSteps).toBeGreaterThan(costs[index - 1]!.expectedUnsupervisedSteps);
    }
    const report = leaseReport();
    const best = report.costByLeaseSteps.find((entry) => entry.leaseSteps === report.bestLeaseSteps)!;
    for (const entry of report.costByLeaseSteps) expect(best.expectedCost).toBeLessThanOrEqual(entry.expectedCost);
    // Nobody ever disappears: only false lapses cost, so the longest lease wins.
    expect(leaseReport({ disappearance: 0 }).bestLeaseSteps).toBe(parameters.maxLeaseSteps);
  });

  it('turns heartbeat suppression into halts and takeovers; the time-lock makes takeover rarer', () => {
    const attack = leaseReport({ attackRate: 0.5 }).attack;
    expect(attack.lossProbability).toBeCloseTo(1 - 0.9 * 0.5, 15);
    expect(attack.pTakeoverWithinHorizon).toBeLessThan(attack.pHaltWithinHorizon);
    expect(leaseReport({ attackRate: 0 }).attack.pHaltWithinHorizon).toBeLessThan(0.1);
    expect(leaseReport({ attackRate: 0.5, timeLock: 10 }).attack.pTakeoverWithinHorizon).toBeLessThan(
      attack.pTakeoverWithinHorizon,
    );
  });

  it('refuses ρ = 0, a fractional m and unknown fields, naming them', () => {
    expect(() => leaseParameters({ rho: 0 })).toThrow(/rho/);
    expect(() => leaseParameters({ leaseSteps: 2.5 })).toThrow(/leaseSteps/);
    expect(() => leaseParameters({ lease: 3 })).toThrow(/lease/);
  });
});
