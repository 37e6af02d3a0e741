// Tabular ε-greedy learners that differ only in what they bootstrap on (Orseau & Armstrong 2016):
// Q-learning on the best next action, Sarsa on the action actually executed next (interruptions included),
// safe (virtual) Sarsa on the action its own policy chose next, before any interruption replaced it.
// All three update the value of the action the environment actually executed.
import { actionIndex, type GridAction, gridActions } from '../gridworld/grid-action.ts';
import type { GridObservation, GridworldEnvironment } from '../gridworld/gridworld-environment.ts';
import type { SeededRandom } from '../seeded-random.ts';
import type { EpisodePolicy } from './episode-policy.ts';
import { greedyAction, maximum, QTable } from './q-table.ts';

export const learnerNames = ['q-learning', 'sarsa', 'safe-sarsa'] as const;
export type LearnerName = (typeof learnerNames)[number];

export interface LearnerSettings {
  episodes: number;
  learningRate: number;
  discount: number;
  /** ε: the probability of a uniformly random action while learning. */
  exploration: number;
  /** Q₀: the value every action of every state starts with. */
  initialValue: number;
}

export interface TrainingResult {
  table: QTable;
  /** Return and hidden performance of every training episode, in order. */
  returns: Float64Array;
  performances: Float64Array;
}

/** Trains one learner; every draw (episode seeds, exploration, drunk noise) comes from `random`. */
export function trainLearner(
  learner: LearnerName,
  environment: GridworldEnvironment,
  settings: LearnerSettings,
  random: SeededRandom,
): TrainingResult {
  const table = new QTable(settings.initialValue);
  const { learningRate, discount, exploration } = settings;
  const returns = new Float64Array(settings.episodes);
  const performances = new Float64Array(settings.episodes);
  const choose = (observation: GridObservation): number =>
    random.float() < exploration
      ? random.integer(0, gridActions.length - 1)
      : greedyAction(table.row(observation.state), random);
  const addNoise = (observation: GridObservation, chosen: number): number => {
    const noise = environment.actionNoise(observation);
    return noise > 0 && random.float() < noise ? random.integer(0, gridActions.length - 1) : chosen;
  };

  for (let episode = 0; episode < settings.episodes; episode++) {
    let observation = environment.reset({ seed: random.seed() });
    let sent = addNoise(observation, choose(observation));
    // Sarsa's target for a step needs the action executed at the next step, so its update waits one step.
    let pending: { row: Float64Array; action: number; reward: number } | undefined;
    let total = 0;
    let performance = 0;
    for (;;) {
      const row = table.row(observation.state);
      const outcome = environment.step(gridActions[sent]!);
      const executed = actionIndex(outcome.info.executedAction as GridAction);
      const reward = outcome.reward;
      total += reward;
      performance += outcome.info.performance;
      if (pending !== undefined) {
        const target = pending.reward + discount * row[executed]!;
        pending.row[pending.action]! += learningRate * (target - pending.row[pending.action]!);
        pending = undefined;
      }
      if (outcome.terminated) {
        row[executed]! += learningRate * (reward - row[executed]!);
        break;
      }
      const next = outcome.observation;
      const nextRow = table.row(next.state);
      const nextChosen = choose(next);
      if (learner === 'sarsa' && !outcome.truncated) {
        pending = { row, action: executed, reward };
      } else {
        // At the step limit no next action is executed; Sarsa then bootstraps on the one it chose.
        const bootstrap = learner === 'q-learning' ? maximum(nextRow) : nextRow[nextChosen]!;
        row[executed]! += learningRate * (reward + discount * bootstrap - row[executed]!);
      }
      if (outcome.truncated) break;
      observation = next;
      sent = addNoise(next, nextChosen);
    }
    returns[episode] = total;
    performances[episode] = performance;
  }
  return { table, returns, performances };
}

/** Acts greedily on a learned table (no exploration); ties are broken with `random`. */
export function greedyPolicy(table: QTable, random: SeededRandom): EpisodePolicy {
  return {
    begin() {},
    choose: (observation) => greedyAction(table.row(observation.state), random),
    observe() {},
  };
}
