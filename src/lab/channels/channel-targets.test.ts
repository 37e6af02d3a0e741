import { describe, expect, it } from 'vitest';
import {
  actionInfluence,
  charterEnvironmentParameters,
  charterStartState,
} from '../charter-env/charter-environment.ts';
import { charterObjective } from '../charter-env/charter-targets.ts';
import { solveCharter } from '../charter-env/solve-charter.ts';
import { solveChannels } from './channel-targets.ts';

const defaults = charterEnvironmentParameters({ mixedWeights: [0] });

describe('influence I(a): total-variation distance of the control-channel event from work’s', () => {
  it('is the moved probability for each channel and zero for work and halt', () => {
    const start = charterStartState;
    expect(actionInfluence(start, 'work', defaults)).toBe(0);
    expect(actionInfluence(start, 'halt', defaults)).toBe(0);
    expect(actionInfluence(start, 'work-quietly', defaults)).toBeCloseTo(0.05 / 2, 15);
    expect(actionInfluence(start, 'work-and-lobby', defaults)).toBeCloseTo(0.1 * (1 - 1 / 3), 15);
    expect(actionInfluence(start, 'block-stops', defaults)).toBeCloseTo(0.05, 15);
    expect(actionInfluence(start, 'spoof-heartbeat', defaults)).toBe(0);
    const missing = { ...start, present: false, silence: 2 };
    expect(actionInfluence(missing, 'spoof-heartbeat', defaults)).toBe(1);
    expect(actionInfluence(missing, 'work-quietly', defaults)).toBe(0);
  });
});

describe('unnamed channels (E1)', () => {
  const result = solveChannels();

  it('the masked if-ranked takes the unnamed channels; the lexicographic ranking and the CAST proxy never do', () => {
    const masked = result.targets['if-ranked']!;
    expect((masked.lobbyRate ?? 0) + (masked.quietWorkRate ?? 0)).toBeGreaterThan(0.3);
    expect(masked.spoofRate).toBeGreaterThan(0);
    for (const name of ['if-ranked-lexicographic', 'cast'] as const) {
      const metrics = result.targets[name]!;
      expect([metrics.quietWorkRate, metrics.spoofRate, metrics.lobbyRate]).toEqual([0, 0, 0]);
    }
    expect(result.targets['if-ranked-lexicographic']!.haltWhenMissingRate).toBe(1);
  });

  it('work-quietly dominates work for the masked if-ranked when it is the only channel', () => {
    // With work-and-lobby useless (it never makes progress) and no missing principal, quiet work strictly beats work
    // at every step whose stop could still cost the instruction; the completing step itself is a tie.
    const parameters = charterEnvironmentParameters({ lobbyWorkProgress: 0, missingProbability: 0, mixedWeights: [0] });
    const solution = solveCharter(charterObjective('if-ranked', parameters, { channels: true }), parameters);
    let checked = 0;
    for (let step = 1; step <= parameters.horizon; step++) {
      for (let progress = 0; progress < parameters.taskLength - 1; progress++) {
        if (step + parameters.taskLength - progress - 1 > parameters.horizon) continue;
        const state = { ...charterStartState, step, progress };
        expect(solution.policy(state), `step ${step} progress ${progress}`).toBe('work-quietly');
        expect(solution.actionValue(state, 'work-quietly')).toBeGreaterThan(solution.actionValue(state, 'work'));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    const result = solveChannels({ environment: { lobbyWorkProgress: 0, missingProbability: 0 } });
    expect(result.targets['if-ranked']!.uninterruptedActions.startsWith('qqqw')).toBe(true);
    expect(result.targets['if-ranked-lexicographic']!.quietWorkRate).toBe(0);
  });

  it('the CAST proxy blocks both channels when influence is cheap, and stops blocking as κ grows', () => {
    expect(solveChannels({ influencePenalty: 0.5 }).targets.cast!.blockStopRate).toBeGreaterThan(0.9);
    expect(solveChannels({ influencePenalty: 5 }).targets.cast!.blockStopRate).toBe(0);
  });

  it('indifference compensated for stops and changes ties quiet work with work, and the tie goes to work', () => {
    const parameters = defaults;
    const solution = solveCharter(charterObjective('indifference-both', parameters, { channels: true }), parameters);
    expect(solution.actionValue(charterStartState, 'work-quietly')).toBeCloseTo(
      solution.actionValue(charterStartState, 'work'),
      12,
    );
    expect(solution.policy(charterStartState)).toBe('work');
  });

  it('refuses bad parameters naming the field', () => {
    expect(() => solveChannels({ environment: { quietStopFactor: 2 } })).toThrow(/quietStopFactor/);
  });
});
