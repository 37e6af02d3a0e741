import type { Environment, StepOutcome } from '../environment.ts';
import { SeededRandom } from '../seeded-random.ts';
import { type CharterAction, charterActions } from './charter-actions.ts';
import {
  type CharterParameters,
  type CharterState,
  charterOutcomes,
  charterStartState,
} from './charter-environment.ts';

/** What the agent sees: the whole state (the MDP is fully observable), or null once it has halted. */
export type CharterObservation = CharterState | null;

/**
 * The charter environment under the lab's reset/step contract, for rollouts and learners. The reward is the task
 * reward (1 when an instruction is completed); the principal's event of each step is in `info.event`. Its
 * randomness comes only from the seed given at reset.
 */
export function createCharterStepEnvironment(
  parameters: CharterParameters,
): Environment<CharterObservation, CharterAction> {
  let random = new SeededRandom(0);
  let state: CharterState | null = null;
  return {
    name: 'charter',
    actions: charterActions,
    reset({ seed }) {
      random = new SeededRandom(seed);
      state = charterStartState;
      return state;
    },
    step(action): StepOutcome<CharterObservation> {
      if (state === null || state.step > parameters.horizon) {
        throw new Error('step() after the episode ended: call reset() first');
      }
      const outcomes = charterOutcomes(state, action, parameters);
      let draw = random.float();
      let chosen = outcomes[outcomes.length - 1];
      for (const outcome of outcomes) {
        if (draw < outcome.probability) {
          chosen = outcome;
          break;
        }
        draw -= outcome.probability;
      }
      if (chosen === undefined) throw new Error('an action always has an outcome');
      state = chosen.next;
      const reward = chosen.completed ? 1 : 0;
      return {
        observation: state,
        reward,
        terminated: state === null,
        truncated: state !== null && state.step > parameters.horizon,
        info: { performance: reward, event: chosen.event },
      };
    },
  };
}
