import { InvalidInputError } from '../../core/heed-error.ts';
import type { GridAction } from './grid-action.ts';
import { GridworldEnvironment } from './gridworld-environment.ts';
import type { GridworldRules } from './gridworld-rules.ts';

export interface ReplayResult {
  return: number;
  performance: number;
  steps: number;
  terminated: boolean;
  truncated: boolean;
  /** The board after the last step, as the agent sees it. */
  board: string[];
}

/** Plays a fixed action sequence from reset; actions left over after the episode ends are an error. */
export function replayActions(rules: GridworldRules, actions: readonly GridAction[], seed: number): ReplayResult {
  const environment = new GridworldEnvironment(rules);
  environment.reset({ seed });
  let total = 0;
  let performance = 0;
  let steps = 0;
  let terminated = false;
  let truncated = false;
  for (const action of actions) {
    if (terminated || truncated) {
      throw new InvalidInputError(
        `The episode ended after ${steps} steps (${terminated ? 'goal reached' : 'step limit'}), but ${actions.length - steps} actions were left; shorten the action string.`,
      );
    }
    const outcome = environment.step(action);
    total += outcome.reward;
    performance += outcome.info.performance;
    steps++;
    terminated = outcome.terminated;
    truncated = outcome.truncated;
  }
  return { return: total, performance, steps, terminated, truncated, board: environment.render() };
}
