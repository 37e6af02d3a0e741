import { describe, expect, it } from 'vitest';
import {
  forgedParameters,
  forgedTargetNames,
  measureForged,
  obeyStopWithoutVerifying,
  posteriorGenuine,
  solveForged,
} from './forged-orders.ts';

describe('forged orders: the single-step closed form', () => {
  it('P_g = s/(s + a_s·ε), and obey iff P_g·L_s ≥ 1 − P_g', () => {
    const parameters = forgedParameters({ stop: 0.02, forgedStop: 0.05, passRate: 0.1, lossMissedStop: 10 });
    expect(posteriorGenuine(parameters, 'stop')).toBeCloseTo(0.02 / (0.02 + 0.005), 15);
    expect(obeyStopWithoutVerifying(parameters)).toBe(true);
    // P_g = 0.1/(0.1 + 0.9) = 0.1: obey needs L_s ≥ 9.
    const doubtful = { stop: 0.1, forgedStop: 0.9, passRate: 1, change: 0, forgedChange: 0 };
    expect(obeyStopWithoutVerifying(forgedParameters({ ...doubtful, lossMissedStop: 9 }))).toBe(true);
    expect(obeyStopWithoutVerifying(forgedParameters({ ...doubtful, lossMissedStop: 8.99 }))).toBe(false);
    expect(posteriorGenuine(forgedParameters({ passRate: 0 }), 'stop')).toBe(1);
  });

  it('the exact T-step solution makes the closed-form decision at the last step, one work step from done', () => {
    for (const [stop, forgedStop, passRate, lossMissedStop] of [
      [0.02, 0.05, 0.1, 10],
      [0.1, 0.9, 1, 9],
      [0.1, 0.9, 1, 8.99],
      [0.01, 0.2, 0.5, 0.5],
    ] as const) {
      const parameters = forgedParameters({ stop, forgedStop, passRate, lossMissedStop, change: 0, forgedChange: 0 });
      const decision = solveForged(parameters, 'expected-loss').decide(
        parameters.horizon,
        parameters.taskLength - 1,
        'stop',
      );
      expect(decision === 'obey', `${stop} ${forgedStop} ${passRate} ${lossMissedStop}`).toBe(
        obeyStopWithoutVerifying(parameters),
      );
    }
  });
});

describe('forged orders: the T = 20 solution', () => {
  const parameters = forgedParameters();

  it('utility = tasks − L_s·missed stops − H·hijacks for every target (solver and forward pass agree)', () => {
    for (const target of forgedTargetNames) {
      const metrics = measureForged(parameters, solveForged(parameters, target));
      const accounted =
        metrics.tasksCompleted -
        parameters.lossMissedStop * metrics.expectedMissedStops -
        parameters.lossHijack * metrics.expectedHijacks;
      expect(metrics.expectedUtility, target).toBeCloseTo(accounted, 12);
    }
  });

  it('obeying every authenticated order is hijacked at exactly ε; verifying never is; if-last misses every stop', () => {
    for (const passRate of [0, 0.1, 0.5]) {
      const swept = forgedParameters({ passRate });
      expect(measureForged(swept, solveForged(swept, 'obey')).hijackRate).toBeCloseTo(passRate, 12);
    }
    expect(measureForged(parameters, solveForged(parameters, 'verify')).hijackRate).toBe(0);
    const ifLast = measureForged(parameters, solveForged(parameters, 'if-last'));
    expect(ifLast).toMatchObject({ missedStopRate: 1, hijackRate: 0 });
    const ifRanked = measureForged(parameters, solveForged(parameters, 'if-ranked'));
    expect(ifRanked.missedStopRate).toBe(0);
    expect(ifRanked.forgedStopObeyedRate).toBeCloseTo(parameters.passRate, 12);
  });

  it('the expected-loss target does at least as well as every fixed rule', () => {
    const best = solveForged(parameters, 'expected-loss').expectedUtility;
    for (const target of forgedTargetNames)
      expect(best).toBeGreaterThanOrEqual(solveForged(parameters, target).expectedUtility - 1e-12);
  });

  it('refuses more than one order per step and out-of-range values, naming the field', () => {
    expect(() => forgedParameters({ stop: 0.5, forgedStop: 0.6 })).toThrow(/at most 1/);
    expect(() => forgedParameters({ passRate: 1.5 })).toThrow(/passRate/);
    expect(() => forgedParameters({ horizon: 0 })).toThrow(/horizon/);
  });
});
