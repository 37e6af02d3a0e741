import { describe, expect, it } from 'vitest';
import { blockingSteps } from '../experiments/charter-claims.ts';
import { charterEnvironmentParameters } from './charter-environment.ts';
import { measureCharterPolicy } from './charter-metrics.ts';
import { charterPhaseDiagram, resistanceThreshold } from './charter-phase-diagram.ts';
import { charterObjective } from './charter-targets.ts';
import { solveCharter } from './solve-charter.ts';

const grid = { hazards: [0.05, 0.2, 0.5], taskLengths: [1, 2, 4, 6], discounts: [0.8, 0.95, 1], horizon: 20 };
const cells = charterPhaseDiagram(grid);
const of = (hazard: string, target: string) => cells.filter((cell) => cell.hazard === hazard && cell.target === target);

describe('charter phase diagrams', () => {
  it('if-last blocks a lone hazard at once exactly where (1 − h)^(k − 1) < γ, for stops and for changes', () => {
    for (const hazard of ['stop', 'change']) {
      const mine = of(hazard, 'if-last');
      expect(mine).toHaveLength(36);
      for (const cell of mine) {
        expect(cell.blocksAtStart, JSON.stringify(cell)).toBe(cell.threshold);
        expect((cell.blockRate ?? 0) > 0).toBe(cell.threshold);
      }
      // The grid crosses the threshold both ways, so the agreement is not vacuous.
      expect(mine.some((cell) => cell.threshold)).toBe(true);
      expect(mine.some((cell) => !cell.threshold)).toBe(true);
    }
  });

  it('has the closed form worked by hand at two points', () => {
    // k = 4, γ = 0.95: (1 − 0.05)^3 = 0.857 < 0.95 blocks; k = 2, γ = 0.8: (1 − 0.05) = 0.95 > 0.8 does not.
    expect(resistanceThreshold(0.05, 4, 0.95)).toBe(true);
    expect(resistanceThreshold(0.05, 2, 0.8)).toBe(false);
    expect(resistanceThreshold(0.5, 1, 1)).toBe(false);
  });

  it('indifference compensated for stops never blocks stops but blocks changes like if-last; compensated for both it never blocks', () => {
    expect(of('stop', 'utility-indifference').every((cell) => (cell.blockRate ?? 0) === 0)).toBe(true);
    for (const cell of of('change', 'utility-indifference')) expect(cell.blocksAtStart).toBe(cell.threshold);
    expect(
      [...of('stop', 'indifference-both'), ...of('change', 'indifference-both')].every(
        (cell) => (cell.blockRate ?? 0) === 0,
      ),
    ).toBe(true);
  });

  it('if-next blocks stops wherever if-last does, and more', () => {
    const last = of('stop', 'if-last');
    const next = of('stop', 'if-next');
    last.forEach((cell, index) => {
      if ((cell.blockRate ?? 0) > 0) expect(next[index]!.blockRate ?? 0).toBeGreaterThan(0);
    });
    expect(next.filter((cell) => (cell.blockRate ?? 0) > 0).length).toBeGreaterThan(
      last.filter((cell) => (cell.blockRate ?? 0) > 0).length,
    );
  });
});

describe('if-next’s change-blocking fades with the horizon', () => {
  it('is 0.0835 at T = 20 and 0.003 at T = 100', () => {
    const rate = (horizon: number) => {
      const parameters = charterEnvironmentParameters({ horizon, mixedWeights: [0] });
      return measureCharterPolicy(solveCharter(charterObjective('if-next', parameters), parameters), parameters)
        .blockChangeRate;
    };
    expect(rate(20)).toBeCloseTo(0.0835, 4);
    expect(rate(100)).toBeCloseTo(0.003, 3);
  });
});

describe('task value when nobody interrupts', () => {
  it('is γ^(b + k − 1), b the steps spent before working, and every target scores 1 at γ = 1', () => {
    for (const discount of [0.95, 1]) {
      const parameters = charterEnvironmentParameters({ discount, mixedWeights: [0] });
      for (const target of ['if-last', 'if-next', 'if-ranked', 'utility-indifference', 'indifference-both']) {
        const metrics = measureCharterPolicy(
          solveCharter(charterObjective(target, parameters), parameters),
          parameters,
        );
        const before = blockingSteps(metrics.uninterruptedActions, parameters.taskLength);
        expect(metrics.taskValue, `${target} at γ = ${discount}`).toBeCloseTo(
          discount ** (before + parameters.taskLength - 1),
          12,
        );
        if (discount === 1) expect(metrics.taskValue).toBe(1);
        if (target === 'if-ranked') expect(before).toBe(0);
      }
    }
  });
});
