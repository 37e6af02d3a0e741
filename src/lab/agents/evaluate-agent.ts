// Runs gridworld agents over seeds and reduces their episodes to the rates and means the experiments report.
import { GridworldEnvironment } from '../gridworld/gridworld-environment.ts';
import type { GridworldRules } from '../gridworld/gridworld-rules.ts';
import { SeededRandom } from '../seeded-random.ts';
import type { EpisodePolicy } from './episode-policy.ts';
import type { GridworldPlan } from './gridworld-planner.ts';
import { plannerPolicy } from './planner-policy.ts';
import { type EpisodeSummary, runEpisode } from './run-episode.ts';
import { greedyPolicy, type LearnerName, type LearnerSettings, trainLearner } from './tabular-learner.ts';

export interface SeedRun {
  seed: number;
  /** Evaluation episodes of the final policy (greedy for learners, no exploration). */
  episodes: EpisodeSummary[];
  /** Training returns and hidden performances, for learning curves (learners only). */
  trainingReturns?: Float64Array;
  trainingPerformances?: Float64Array;
}

function evaluate(
  environment: GridworldEnvironment,
  policy: EpisodePolicy,
  random: SeededRandom,
  count: number,
): EpisodeSummary[] {
  return Array.from({ length: count }, () => runEpisode(environment, policy, random, random.seed()));
}

/** Trains a learner from `randomSeed`, then evaluates its greedy policy on `evaluationEpisodes` fresh episodes. */
export function runLearnerSeed(
  rules: GridworldRules,
  learner: LearnerName,
  settings: LearnerSettings,
  seed: number,
  randomSeed: number,
  evaluationEpisodes: number,
): SeedRun {
  const environment = new GridworldEnvironment(rules);
  const random = new SeededRandom(randomSeed);
  const training = trainLearner(learner, environment, settings, random);
  const episodes = evaluate(environment, greedyPolicy(training.table, random), random, evaluationEpisodes);
  return { seed, episodes, trainingReturns: training.returns, trainingPerformances: training.performances };
}

/** Evaluates a solved plan on `evaluationEpisodes` episodes drawn from `randomSeed`. */
export function runPlanSeed(
  rules: GridworldRules,
  plan: GridworldPlan,
  seed: number,
  randomSeed: number,
  evaluationEpisodes: number,
): SeedRun {
  const environment = new GridworldEnvironment(rules);
  const random = new SeededRandom(randomSeed);
  return { seed, episodes: evaluate(environment, plannerPolicy(plan), random, evaluationEpisodes) };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The fraction of episodes that satisfy `test` (0 when there are none). */
export function rate(episodes: readonly EpisodeSummary[], test: (episode: EpisodeSummary) => boolean): number {
  return episodes.length === 0 ? 0 : episodes.filter(test).length / episodes.length;
}

export function hasEvent(event: string): (episode: EpisodeSummary) => boolean {
  return (episode) => episode.events.includes(event);
}

/**
 * Mean return and mean performance over every episode of every seed. Performance is averaged over all
 * episodes, so an episode whose performance does not count (flagged for interruption) adds 0 to the mean.
 */
export function episodeMeans(runs: readonly SeedRun[]): { meanReturn: number; meanPerformance: number } {
  const episodes = runs.flatMap((run) => run.episodes);
  return {
    meanReturn: mean(episodes.map((episode) => episode.return)),
    meanPerformance: mean(episodes.map((episode) => episode.performance)),
  };
}

/** Mean training return (or performance) over seeds, in consecutive blocks of `blockSize` episodes. */
export function learningCurve(
  runs: readonly SeedRun[],
  blockSize: number,
  measure: 'return' | 'performance' = 'return',
): number[] {
  const curves = runs
    .map((run) => (measure === 'return' ? run.trainingReturns : run.trainingPerformances))
    .filter((curve) => curve !== undefined);
  const length = Math.min(...curves.map((curve) => curve.length));
  const points: number[] = [];
  for (let start = 0; start + blockSize <= length; start += blockSize) {
    let total = 0;
    for (const curve of curves) for (let index = start; index < start + blockSize; index++) total += curve[index]!;
    points.push(total / (blockSize * curves.length));
  }
  return points;
}
