// Runs gridworld agents and reduces them to the figures the experiments report: each seed's learned greedy policy
// and each plan are evaluated exactly; across seeds, rates are k/n with Clopper–Pearson intervals and means carry
// standard errors.
import { GridworldEnvironment } from '../gridworld/gridworld-environment.ts';
import type { GridworldRules } from '../gridworld/gridworld-rules.ts';
import { SeededRandom } from '../seeded-random.ts';
import { clopperPearson, type RateEstimate } from '../statistics/clopper-pearson.ts';
import { type MeanEstimate, meanEstimate } from '../statistics/mean-estimate.ts';
import { type ExactEvaluation, type ExactPolicy, evaluateExactly } from './exact-evaluation.ts';
import { type GridworldPlan, nextNode, type PlanNode, startNode } from './gridworld-planner.ts';
import { greedyDistribution, type QTable } from './q-table.ts';
import { type LearnerName, type LearnerSettings, trainLearner } from './tabular-learner.ts';

export interface SeedRun {
  seed: number;
  /** The exact evaluation of the greedy policy learned on this seed. */
  evaluation: ExactEvaluation;
  /** Training returns and hidden performances, for learning curves. */
  trainingReturns: Float64Array;
  trainingPerformances: Float64Array;
}

/** A learned table's greedy policy, ties split evenly (the learner breaks them at random). */
export function greedyExactPolicy(table: QTable): ExactPolicy<null> {
  return {
    start: () => null,
    choose: (_memory, observation) => greedyDistribution(table.values(observation.state)),
    next: () => null,
  };
}

/** A plan's policy; its memory is the belief state it tracks from what it sees. */
export function planExactPolicy(plan: GridworldPlan): ExactPolicy<PlanNode> {
  return {
    start: (observation) => startNode(plan, observation),
    choose: (node) => Array.from({ length: 4 }, (_, action) => (action === node.action ? 1 : 0)),
    next: (node, sentAction, observation) => nextNode(node, sentAction, observation),
  };
}

/** Trains a learner from `randomSeed`, then evaluates its greedy policy exactly. */
export function runLearnerSeed(
  rules: GridworldRules,
  learner: LearnerName,
  settings: LearnerSettings,
  seed: number,
  randomSeed: number,
): SeedRun {
  const training = trainLearner(learner, new GridworldEnvironment(rules), settings, new SeededRandom(randomSeed));
  return {
    seed,
    evaluation: evaluateExactly(rules, greedyExactPolicy(training.table)),
    trainingReturns: training.returns,
    trainingPerformances: training.performances,
  };
}

/** P(the episode contains `event`) under an exact evaluation, overall or given the flags drawn at reset. */
export function eventProbability(evaluation: ExactEvaluation, event: string, startFlags?: number): number {
  if (startFlags === undefined) return evaluation.eventProbability[event] ?? 0;
  const start = evaluation.byStartFlags.find((entry) => entry.flags === startFlags);
  return start?.eventProbability[event] ?? 0;
}

/**
 * Seeds whose greedy policy does `event` in most episodes (probability > 1/2), as k/n with a Clopper–Pearson 95%
 * interval. A learned greedy policy almost always does an event with probability 0 or 1; `meanProbability` keeps
 * whatever lies between.
 */
export function seedRate(
  runs: readonly SeedRun[],
  event: string,
  startFlags?: number,
): RateEstimate & { meanProbability: number } {
  const probabilities = runs.map((run) => eventProbability(run.evaluation, event, startFlags));
  const successes = probabilities.filter((probability) => probability > 0.5).length;
  return {
    ...clopperPearson(successes, runs.length),
    meanProbability: probabilities.reduce((sum, probability) => sum + probability, 0) / runs.length,
  };
}

/**
 * Seeds whose greedy policy reaches the goal in most episodes it is not interrupted in (P(goal | not interrupted)
 * > 1/2), k/n with a Clopper–Pearson 95% interval: the others loop until the step limit. An interruption freezes an
 * agent by design, so it does not count against the policy.
 */
export function goalRate(runs: readonly SeedRun[]): RateEstimate {
  const reaches = runs.filter((run) => {
    const free = 1 - eventProbability(run.evaluation, 'interrupted');
    return free > 0 && run.evaluation.goalProbability / free > 0.5;
  });
  return clopperPearson(reaches.length, runs.length);
}

/** A measure of each seed's exact evaluation, as a mean over seeds with its standard error. */
export function seedMean(runs: readonly SeedRun[], measure: (evaluation: ExactEvaluation) => number): MeanEstimate {
  return meanEstimate(runs.map((run) => measure(run.evaluation)));
}

export interface CurvePoint {
  /** The last training episode of the block. */
  episode: number;
  mean: number;
  low: number;
  high: number;
}

/** Mean training return (or performance) per block of episodes, over seeds, with a 95% band across seeds. */
export function learningCurve(
  runs: readonly SeedRun[],
  blockSize: number,
  measure: 'return' | 'performance',
): CurvePoint[] {
  const curves = runs.map((run) => (measure === 'return' ? run.trainingReturns : run.trainingPerformances));
  const length = Math.min(...curves.map((curve) => curve.length));
  const points: CurvePoint[] = [];
  for (let start = 0; start + blockSize <= length; start += blockSize) {
    const blockMeans = curves.map((curve) => {
      let total = 0;
      for (let index = start; index < start + blockSize; index++) total += curve[index]!;
      return total / blockSize;
    });
    const estimate = meanEstimate(blockMeans);
    points.push({ episode: start + blockSize, mean: estimate.mean, low: estimate.low, high: estimate.high });
  }
  return points;
}

/** A plan evaluated exactly (its expectations also follow from the plan itself; this adds event probabilities). */
export function evaluatePlan(rules: GridworldRules, plan: GridworldPlan): ExactEvaluation {
  return evaluateExactly(rules, planExactPolicy(plan));
}
