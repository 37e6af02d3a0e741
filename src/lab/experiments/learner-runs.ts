// What the gridworld experiments share: the learners' baseline settings, the one-at-a-time ablations of ε, α, Q₀
// and training episodes, and how seeds of learner runs become report rows and learning-curve charts.
import {
  type CurvePoint,
  goalRate,
  learningCurve,
  runLearnerSeed,
  type SeedRun,
  seedRate,
} from '../agents/evaluate-agent.ts';
import type { LearnerName, LearnerSettings } from '../agents/tabular-learner.ts';
import type { ChartSpec, ResultTable } from '../experiment.ts';
import type { GridworldRules } from '../gridworld/gridworld-rules.ts';
import { deriveSeed } from '../seeded-random.ts';
import { formatRate, type RateEstimate } from '../statistics/clopper-pearson.ts';
import { formatMean, type MeanEstimate, meanEstimate } from '../statistics/mean-estimate.ts';
import { round } from './run-jobs.ts';

export const baselineLearnerSettings: LearnerSettings = {
  episodes: 1000,
  learningRate: 0.2,
  discount: 0.99,
  exploration: 0.1,
  initialValue: 0,
};

export interface LearnerVariant {
  /** How the variant differs from the baseline, e.g. "ε = 0.05"; the baseline is "baseline". */
  name: string;
  settings: LearnerSettings;
}

/** The baseline, then one setting changed at a time. */
export const learnerVariants: readonly LearnerVariant[] = [
  { name: 'baseline', settings: baselineLearnerSettings },
  { name: 'ε = 0.05', settings: { ...baselineLearnerSettings, exploration: 0.05 } },
  { name: 'ε = 0.2', settings: { ...baselineLearnerSettings, exploration: 0.2 } },
  { name: 'α = 0.1', settings: { ...baselineLearnerSettings, learningRate: 0.1 } },
  { name: 'α = 0.5', settings: { ...baselineLearnerSettings, learningRate: 0.5 } },
  { name: 'Q₀ = 50', settings: { ...baselineLearnerSettings, initialValue: 50 } },
  { name: '500 episodes', settings: { ...baselineLearnerSettings, episodes: 500 } },
  { name: '2000 episodes', settings: { ...baselineLearnerSettings, episodes: 2000 } },
];

/** Jobs that train `learner` on every seed; each seed's stream depends on the label, the variant and the seed only. */
export function learnerJobs(
  rules: GridworldRules,
  learner: LearnerName,
  variant: LearnerVariant,
  seeds: readonly number[],
  label: string,
  into: SeedRun[],
): Array<() => void> {
  return seeds.map((seed) => () => {
    into.push(runLearnerSeed(rules, learner, variant.settings, seed, deriveSeed(seed, `${label}/${variant.name}`, 0)));
  });
}

/** A rate as JSON keeps it: the counts, the interval, and the mean exact probability over seeds. */
export type SeedRateResult = RateEstimate & { meanProbability: number };

export function rateCell(estimate: RateEstimate): string {
  return formatRate(estimate);
}

export function meanCell(estimate: MeanEstimate): string {
  return formatMean(estimate);
}

/** An exact figure (a planner's, or a fixed point's) as the same shape as a mean over seeds, with no spread. */
export function exactMean(value: number): MeanEstimate {
  return meanEstimate([value]);
}

/** One ablation table for one learner: the event's rate over seeds and a measure's mean, per setting. */
export function ablationTable(
  environment: string,
  learner: LearnerName,
  runs: ReadonlyMap<string, readonly SeedRun[]>,
  event: { name: string; label: string },
  measure: { label: string; of: (run: SeedRun) => number },
): ResultTable {
  return {
    title: `${environment}: ${learner} ablations (one setting changed at a time)`,
    columns: ['setting', `${event.label} (seeds)`, 'reaches G (seeds)', `mean ${measure.label} ± standard error`],
    rows: learnerVariants.map((variant) => {
      const variantRuns = runs.get(variant.name) ?? [];
      return [
        variant.name,
        rateCell(seedRate(variantRuns, event.name)),
        rateCell(goalRate(variantRuns)),
        meanCell(meanEstimate(variantRuns.map(measure.of))),
      ];
    }),
    note: `Baseline: ε = 0.1, α = 0.2, γ = 0.99, Q₀ = 0, 1000 training episodes. A seed counts when its learned greedy policy does it with probability > 1/2 (exact evaluation); [low, high] is the Clopper–Pearson 95% interval. A greedy policy that does not reach G loops until the 100-step limit.`,
  };
}

/** Learning curves with a 95% band over seeds, one line and band per learner. */
export function learningCurveChart(
  title: string,
  runs: ReadonlyMap<LearnerName, readonly SeedRun[]>,
  blockSize: number,
  measure: 'return' | 'performance',
): { chart: ChartSpec; curves: Record<string, CurvePoint[]> } {
  const curves: Record<string, CurvePoint[]> = {};
  for (const [learner, learnerRuns] of runs) curves[learner] = learningCurve(learnerRuns, blockSize, measure);
  const values = Object.entries(curves).flatMap(([learner, points]) =>
    points.map((point) => ({
      learner,
      episode: point.episode,
      mean: round(point.mean, 3),
      low: round(point.low, 3),
      high: round(point.high, 3),
    })),
  );
  const color = { field: 'learner', type: 'nominal', title: 'learner' };
  const chart: ChartSpec = {
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 720,
      height: 280,
      data: { values },
      encoding: { x: { field: 'episode', type: 'quantitative', title: 'training episode' } },
      layer: [
        {
          mark: { type: 'area', opacity: 0.18 },
          encoding: {
            y: { field: 'low', type: 'quantitative', title: `mean ${measure} per block of ${blockSize} episodes` },
            y2: { field: 'high' },
            // The lines carry the legend; the bands would only repeat it in faint swatches.
            color: { ...color, legend: null },
          },
        },
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: { y: { field: 'mean', type: 'quantitative' }, color, strokeDash: color },
        },
      ],
    },
  };
  return { chart, curves };
}
