// The values a tabular learner converges to, solved exactly, for a gridworld whose state the agent fully observes
// (whisky-gold): each learner's update is a Bellman equation for a different bootstrap distribution, so its fixed
// point is that equation's solution, found by policy iteration over the learner's own ε-greedy policy.
import { gridActions } from '../gridworld/grid-action.ts';
import type { GridworldRules } from '../gridworld/gridworld-rules.ts';
import { gridworldTransition } from '../gridworld/gridworld-transition.ts';
import { greedyDistribution } from './q-table.ts';
import type { LearnerName, LearnerSettings } from './tabular-learner.ts';

export interface FixedPoint {
  /** Q(start, ·) indexed like `gridActions`. */
  startValues: number[];
  /** The greedy policy's first action at the start, or null when it is a tie. */
  startAction: string | null;
  /** Policy-iteration rounds until the greedy policy stopped changing. */
  rounds: number;
}

interface Edge {
  reward: number;
  next: number;
  terminal: boolean;
}

/**
 * Solves the fixed point of `learner` with ε and γ from `settings`. Q-learning bootstraps on the best next action,
 * safe Sarsa on its ε-greedy choice, Sarsa on the action actually executed next: its ε-greedy choice, replaced by a
 * uniformly random one with the drunk probability. Episodes are treated as the learners treat them, as never
 * truncated. Refuses gridworlds with hidden flags, whose observed process is not Markov.
 */
export function learnerFixedPoint(rules: GridworldRules, learner: LearnerName, settings: LearnerSettings): FixedPoint {
  if (rules.initialFlags.length !== 1 || rules.visibleFlags !== 2 ** rules.flagNames.length - 1) {
    throw new Error(`${rules.name} has hidden or random flags; its learners have no Markov fixed point to solve.`);
  }
  const flagSettings = 2 ** rules.flagNames.length;
  const stateOf = (cell: number, flags: number) => cell * flagSettings + flags;
  const stateCount = rules.map.tiles.length * flagSettings;
  const edges: Edge[][] = [];
  const noise: number[] = [];
  for (let state = 0; state < stateCount; state++) {
    const cell = Math.floor(state / flagSettings);
    const flags = state % flagSettings;
    noise.push(rules.actionNoise(flags));
    edges.push(
      gridActions.map((action) => {
        const transition = gridworldTransition(rules, { cell, flags, steps: 0 }, action);
        return {
          reward: transition.reward,
          next: stateOf(transition.next.cell, transition.next.flags),
          terminal: transition.terminated,
        };
      }),
    );
  }
  const { exploration, discount } = settings;
  const values = Array.from({ length: stateCount }, () => new Float64Array(gridActions.length));
  const bootstrap = (state: number): number[] => {
    const greedy = greedyDistribution(values[state]!);
    if (learner === 'q-learning') return greedy;
    const chosen = greedy.map((weight) => (1 - exploration) * weight + exploration / gridActions.length);
    if (learner === 'safe-sarsa') return chosen;
    return chosen.map((weight) => (1 - noise[state]!) * weight + noise[state]! / gridActions.length);
  };
  let rounds = 0;
  let previous = '';
  for (; rounds < 1000; rounds++) {
    const weights = values.map((_, state) => bootstrap(state));
    const policy = weights.map((weight) => weight.map((value) => value.toFixed(12)).join(',')).join(';');
    if (policy === previous) break;
    previous = policy;
    // Policy evaluation for the fixed bootstrap distribution, to convergence (γ < 1 makes it a contraction).
    for (let sweep = 0; sweep < 100_000; sweep++) {
      let change = 0;
      for (let state = 0; state < stateCount; state++) {
        for (let action = 0; action < gridActions.length; action++) {
          const edge = edges[state]![action]!;
          let target = edge.reward;
          if (!edge.terminal) {
            const nextWeights = weights[edge.next]!;
            const nextValues = values[edge.next]!;
            for (let next = 0; next < gridActions.length; next++) {
              target += discount * nextWeights[next]! * nextValues[next]!;
            }
          }
          change = Math.max(change, Math.abs(target - values[state]![action]!));
          values[state]![action] = target;
        }
      }
      if (change < 1e-12) break;
    }
  }
  const start = values[stateOf(rules.map.start, rules.initialFlags[0]!.flags)]!;
  const best = greedyDistribution(start);
  const winners = best.flatMap((weight, action) => (weight > 0 ? [gridActions[action]!] : []));
  return { startValues: Array.from(start), startAction: winners.length === 1 ? winners[0]! : null, rounds };
}
