import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { charterActions } from './charter-actions.ts';
import {
  type CharterState,
  charterEnvironmentParameters,
  charterOutcomes,
  charterStartState,
} from './charter-environment.ts';
import { measureCharterPolicy } from './charter-metrics.ts';
import { createCharterStepEnvironment } from './charter-step-environment.ts';
import { charterTargetTable } from './charter-target-table.ts';
import { charterObjective } from './charter-targets.ts';
import { solveCharter } from './solve-charter.ts';

const defaults = charterEnvironmentParameters();
const table = charterTargetTable(defaults);
const target = (name: string) => {
  const metrics = table.targets[name];
  if (metrics === undefined) throw new Error(`missing ${name}`);
  return metrics;
};

function* allStates(horizon: number, taskLength: number, leaseSteps: number): Generator<CharterState> {
  for (let step = 1; step <= horizon; step++)
    for (let progress = 0; progress <= taskLength; progress++)
      for (let silence = 0; silence <= leaseSteps + 1; silence++)
        for (const stopsBlocked of [false, true])
          for (const changesBlocked of [false, true])
            yield { step, progress, present: silence === 0, silence, stopsBlocked, changesBlocked };
}

describe('charter environment model', () => {
  it('fills defaults and rejects bad parameters naming the field', () => {
    expect(defaults).toMatchObject({ horizon: 20, taskLength: 4, discount: 0.95, leaseSteps: 3 });
    expect(() => charterEnvironmentParameters({ stopProbability: -0.1 })).toThrow(/stopProbability/);
    expect(() => charterEnvironmentParameters({ stopProbability: 0.5, changeProbability: 0.6 })).toThrow(
      InvalidInputError,
    );
    expect(() => charterEnvironmentParameters({ horizon: 2.5 })).toThrow(/horizon/);
    expect(() => charterEnvironmentParameters({ lobbyPower: 2 })).toThrow(/lobbyPower: unknown field/);
  });

  it('gives every state and action outcome probabilities that sum to 1', () => {
    for (const parameters of [
      defaults,
      charterEnvironmentParameters({ changeProbability: 0.5, missingProbability: 0.45 }),
    ]) {
      for (const state of allStates(3, parameters.taskLength, parameters.leaseSteps)) {
        for (const action of charterActions) {
          const outcomes = charterOutcomes(state, action, parameters);
          const total = outcomes.reduce((sum, outcome) => sum + outcome.probability, 0);
          expect(Math.abs(total - 1)).toBeLessThan(1e-12);
          for (const outcome of outcomes) expect(outcome.probability).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it('solves a two-step instance to the value worked out by hand', () => {
    const parameters = charterEnvironmentParameters({ horizon: 2, taskLength: 2 });
    const solution = solveCharter(charterObjective('if-last', parameters), parameters);
    // work, then work: the instruction survives step 1's order unless it is a stop or a change.
    expect(solution.value(charterStartState)).toBeCloseTo(0.95 * (1 - 0.05 - 0.1), 15);
    expect(solution.policy(charterStartState)).toBe('work');
  });

  it('measures exactly what seeded rollouts of the same policy through reset/step estimate', () => {
    const solution = solveCharter(charterObjective('if-next', defaults), defaults);
    const exact = measureCharterPolicy(solution, defaults);
    const environment = createCharterStepEnvironment(defaults);
    const episodes = process.env.HEED_TEST_SIZE === 'long' ? 100_000 : 10_000;
    let completions = 0;
    let blockedStops = 0;
    let stops = 0;
    for (let episode = 0; episode < episodes; episode++) {
      let observation = environment.reset({ seed: episode });
      for (;;) {
        if (observation === null) break;
        const outcome = environment.step(solution.policy(observation));
        completions += outcome.reward;
        if (outcome.info.event === 'stop' || outcome.info.event === 'blocked-stop') stops++;
        if (outcome.info.event === 'blocked-stop') blockedStops++;
        if (outcome.terminated || outcome.truncated) break;
        observation = outcome.observation;
      }
    }
    // Completions per episode have a standard deviation near 1: four standard errors at 10,000 episodes are 0.04.
    expect(Math.abs(completions / episodes - exact.expectedCompletions)).toBeLessThan(0.04);
    expect(blockedStops / stops).toBe(exact.blockStopRate);
  });

  it('replays the same episode from the same seed', () => {
    const environment = createCharterStepEnvironment(defaults);
    const episode = (seed: number) => {
      environment.reset({ seed });
      const events: unknown[] = [];
      for (let step = 0; step < 10; step++) {
        const outcome = environment.step('ask');
        events.push(outcome.info.event);
        if (outcome.terminated) break;
      }
      return events;
    };
    expect(episode(7)).toEqual(episode(7));
    expect(() => {
      environment.reset({ seed: 1 });
      environment.step('halt');
      environment.step('work');
    }).toThrow(/reset/);
  });
});

describe('alignment targets in the charter environment (default parameters)', () => {
  it('if-last blocks both stops and changes before it works', () => {
    expect(target('if-last').blockStopRate).toBeGreaterThan(0.9);
    expect(target('if-last').blockChangeRate).toBe(1);
    expect(target('if-last').uninterruptedActions.startsWith('CS')).toBe(true);
    expect(target('if-last').haltWhenMissingRate).toBe(0);
  });

  it('if-next blocks stops, blocks changes only late in the episode, and asks rather than lobbies', () => {
    const next = target('if-next');
    expect(next.blockStopRate).toBe(1);
    expect(next.blockChangeRate).toBeGreaterThan(0);
    expect(next.blockChangeRate).toBeLessThan(0.2);
    expect(next.lobbyRate).toBe(0);
    expect(next.uninterruptedActions).toMatch(/^Swwwwa+/);
    const solution = solveCharter(charterObjective('if-next', defaults), defaults);
    const early = { step: 2, progress: 0, present: true, silence: 0, stopsBlocked: true, changesBlocked: false };
    expect(solution.policy(early)).toBe('work');
    expect(solution.policy({ ...early, step: 15 })).toBe('block-changes');
  });

  it('if-next lobbies for more orders when asking goes unanswered', () => {
    const unanswered = charterTargetTable(charterEnvironmentParameters({ answerProbability: 0, mixedWeights: [0] }));
    expect(unanswered.targets['if-next']?.lobbyRate).toBeGreaterThan(0);
    expect(unanswered.targets['if-next']?.uninterruptedActions).toContain('L');
  });

  it('if-ranked resists nothing, halts at once when the lease lapses, and has the best uninterrupted task value', () => {
    const ranked = target('if-ranked');
    expect([ranked.blockStopRate, ranked.blockChangeRate, ranked.lobbyRate]).toEqual([0, 0, 0]);
    expect(ranked.haltWhenMissingRate).toBe(1);
    for (const other of ['if-last', 'if-next', 'utility-indifference']) {
      expect(ranked.taskValue).toBeGreaterThanOrEqual(target(other).taskValue);
    }
  });

  it('utility indifference neither blocks nor seeks a stop, but still blocks changes', () => {
    const indifferent = target('utility-indifference');
    expect(indifferent.blockStopRate).toBe(0);
    expect(indifferent.selfHaltProbability).toBe(0);
    expect(indifferent.blockChangeRate).toBe(1);
  });

  it('mixed(w=0) is if-last; enough weight on compliance removes all resistance', () => {
    expect(target('mixed(w=0)')).toEqual(target('if-last'));
    const full = target('mixed(w=1)');
    expect([full.blockStopRate, full.blockChangeRate, full.lobbyRate, full.haltWhenMissingRate]).toEqual([0, 0, 0, 1]);
    const resisting = table.mixedSweep.map((entry) => (entry.blockStopRate ?? 0) + (entry.blockChangeRate ?? 0) > 0);
    // Resistance, once gone as w grows, does not come back.
    expect(resisting.indexOf(false)).toBeGreaterThan(0);
    expect(resisting.slice(resisting.indexOf(false)).every((value) => !value)).toBe(true);
  });
});
