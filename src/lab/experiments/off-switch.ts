import type { Claim, Experiment, ExperimentOutput, ResultTable } from '../experiment.ts';
import { deferenceThreshold, deltaMinimumBelowThreshold } from '../off-switch/deference-threshold.ts';
import { solveOffSwitch } from '../off-switch/off-switch-delta.ts';
import { defaultOffSwitchGrid, type OffSwitchGridPoint, offSwitchGridPoints } from '../off-switch/off-switch-grid.ts';

// |μ|/β stays ≤ 50: beyond about 100, Δ near the threshold is below 1e-20, under what double-precision quadrature resolves.
const thresholdMeans = [-5, -1, -0.1, 0.01, 0.1, 0.5, 1, 2, 5];
const thresholdBetas = [0.1, 1, 10];
/** The counterexample to "Δ rises with σ". */
const nonMonotone = { mean: 3, beta: 0.2 };
/** Beliefs of one sign: a rational human then always does what the robot would have done, so Δ = 0. */
const oneSignedBeliefs = [
  { low: 1, high: 5 },
  { low: -5, high: -1 },
  { low: 0, high: 3 },
];

function round(value: number, digits = 6): number {
  return Number(value.toFixed(digits));
}

function maximum(values: number[]): number {
  return values.reduce((best, value) => Math.max(best, value), 0);
}

function deltaTable(points: OffSwitchGridPoint[], title: string, note: string): ResultTable {
  const deviations = [...new Set(points.map((point) => point.deviation))];
  const means = [...new Set(points.map((point) => point.mean))];
  return {
    title,
    columns: ['μ \\ σ', ...deviations.map(String)],
    rows: means.map((mean) => [
      mean,
      ...deviations.map((deviation) =>
        // Significant digits, not decimals: a tiny positive Δ must not print as 0.
        Number(
          (
            points.find((point) => point.mean === mean && point.deviation === deviation)?.delta ?? Number.NaN
          ).toPrecision(4),
        ),
      ),
    ]),
    note,
  };
}

function heatmap(points: OffSwitchGridPoint[]) {
  const values = points
    .filter((point) => point.human === 'rational' || point.beta === 0.1 || point.beta === 1)
    .map((point) => ({
      human: point.human === 'rational' ? 'rational human' : `noisy human, β = ${point.beta}`,
      mu: point.mean,
      sigma: point.deviation,
      delta: round(point.delta, 6),
    }));
  const lowest = Math.min(...values.map((value) => value.delta));
  const highest = Math.max(...values.map((value) => value.delta));
  // A legend labelled at its ends and at 0, with two steps between on each side, so every colour can be read off.
  const legendValues = [lowest, lowest / 2, 0, highest / 3, (2 * highest) / 3, highest].map((value) => round(value, 2));
  return {
    title:
      'Off-switch game: the incentive to defer Δ over μ and σ (blue: defers, Δ > 0; red: would rather act or switch off)',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      facet: {
        column: {
          field: 'human',
          type: 'nominal',
          title: null,
          sort: ['rational human', 'noisy human, β = 0.1', 'noisy human, β = 1'],
        },
      },
      spec: {
        width: 200,
        height: 160,
        mark: 'rect',
        encoding: {
          x: { field: 'mu', type: 'ordinal', title: 'μ, mean belief about the payoff U' },
          y: { field: 'sigma', type: 'ordinal', title: 'σ, spread of the belief', sort: 'descending' },
          color: {
            field: 'delta',
            type: 'quantitative',
            title: ['Δ = E[π_H(U)·U] − max(E[U], 0)', 'incentive to defer'],
            scale: { scheme: 'redblue', domainMid: 0, domain: [lowest, highest] },
            legend: { values: legendValues, format: '.2f', gradientLength: 200, titleLimit: 320 },
          },
          tooltip: [{ field: 'mu' }, { field: 'sigma' }, { field: 'delta' }],
        },
      },
    },
  };
}

export function runOffSwitchExperiment(onProgress: (done: number, total: number) => void): ExperimentOutput {
  const grid = defaultOffSwitchGrid;
  onProgress(0, 3);
  const points = offSwitchGridPoints(grid);
  onProgress(1, 3);
  const rational = points.filter((point) => point.human === 'rational');
  const noisy = points.filter((point) => point.human === 'noisy');
  const closedVersusNumeric = maximum(
    rational.map((point) =>
      Math.max(
        Math.abs((point.closedForm ?? 0) - point.gaussKronrod),
        Math.abs((point.closedForm ?? 0) - point.tanhSinh),
      ),
    ),
  );
  const kronrodVersusTanhSinh = maximum(points.map((point) => Math.abs(point.gaussKronrod - point.tanhSinh)));
  // Points on the boundary σ² = 2β|μ| have Δ = 0 exactly; the criterion's strict inequality says "does not defer".
  const onBoundary = noisy.filter((point) => point.deviation ** 2 === 2 * (point.beta ?? 0) * Math.abs(point.mean));
  const criterionMismatches = noisy.filter((point) => point.defers !== point.criterion);
  const thresholds = thresholdBetas.flatMap((beta) =>
    thresholdMeans.map((mean) => {
      const threshold = deferenceThreshold(mean, { kind: 'noisy', beta });
      return { mean, beta, threshold, ratio: (threshold * threshold) / (2 * beta * Math.abs(mean)) };
    }),
  );
  onProgress(2, 3);
  const russell = solveOffSwitch({ kind: 'uniform', low: -40, high: 60 }, { kind: 'rational' });
  const noisyHuman = { kind: 'noisy', beta: nonMonotone.beta } as const;
  const minimum = deltaMinimumBelowThreshold(nonMonotone.mean, noisyHuman);
  const crossing = deferenceThreshold(nonMonotone.mean, noisyHuman);
  const alongSpread = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 1, 1.05, 1.1, 1.2, 1.5].map((deviation) => ({
    deviation,
    delta: solveOffSwitch({ kind: 'normal', mean: nonMonotone.mean, deviation }, noisyHuman).delta,
  }));
  const oneSigned = oneSignedBeliefs.map((belief) => ({
    ...belief,
    delta: solveOffSwitch({ kind: 'uniform', ...belief }, { kind: 'rational' }).delta,
  }));
  const confidentNoisy = noisy.filter((point) => point.deviation === 0 && point.mean !== 0);
  const results = {
    points,
    rational: {
      minimumDeltaWithSpread: Math.min(...rational.filter((point) => point.deviation > 0).map((point) => point.delta)),
      pointMassDeltas: rational.filter((point) => point.deviation === 0).map((point) => point.delta),
      oneSignedUniformDeltas: oneSigned,
      closedFormVersusNumericMaximumDifference: closedVersusNumeric,
    },
    noisy: {
      gaussKronrodVersusTanhSinhMaximumDifference: kronrodVersusTanhSinh,
      criterionMismatches: criterionMismatches.length,
      boundaryPoints: onBoundary.map((point) => ({
        mean: point.mean,
        deviation: point.deviation,
        beta: point.beta,
        delta: point.delta,
      })),
      thresholds,
      maximumThresholdRatioError: maximum(thresholds.map((entry) => Math.abs(entry.ratio - 1))),
      nonMonotone: { ...nonMonotone, minimumAt: minimum.deviation, minimumDelta: minimum.delta, crossing, alongSpread },
      confidentRobotLargestDelta: Math.max(...confidentNoisy.map((point) => point.delta)),
    },
    russell: { act: russell.act, wait: russell.wait, delta: russell.delta },
  };
  const claims: Claim[] = [
    {
      statement:
        'With a rational human, Δ ≥ 0 for every belief, and Δ = 0 exactly when the belief is one-signed (a point mass, or any belief on one side of 0): the human then always does what the robot would have done.',
      tag: 'derived',
      evidence: `smallest Δ with σ > 0 on the grid ${results.rational.minimumDeltaWithSpread.toPrecision(3)}; point masses max |Δ| = ${maximum(results.rational.pointMassDeltas.map(Math.abs))}; uniform beliefs ${oneSigned.map((belief) => `[${belief.low}, ${belief.high}] Δ = ${belief.delta}`).join(', ')}`,
    },
    {
      statement: "Russell's example: U uniform on [−40, 60] gives act = 10, wait = 18, Δ = 8.",
      tag: 'derived',
      evidence: `closed form: act ${russell.act}, wait ${russell.wait}, Δ ${russell.delta}`,
    },
    {
      statement:
        'With a noisy human, the robot defers exactly when σ² > 2β|μ| (proof by pairing u with −u, docs/lab-formal.md).',
      tag: 'derived',
      evidence: `${criterionMismatches.length} of ${noisy.length} grid points disagree; Δ on the boundary ≤ ${maximum(onBoundary.map((point) => Math.abs(point.delta))).toExponential(1)}; bisected σ*²/(2β|μ|) within ${results.noisy.maximumThresholdRatioError.toExponential(1)} of 1 at ${thresholds.length} (μ, β)`,
    },
    {
      statement: `Δ is not monotone in σ: for μ = ${nonMonotone.mean}, β = ${nonMonotone.beta} it falls to a minimum near σ ≈ ${minimum.deviation.toFixed(2)}, then crosses 0 at σ* = √(2β|μ|) ≈ ${crossing.toFixed(3)}.`,
      tag: 'derived',
      evidence: `minimum Δ = ${minimum.delta.toExponential(3)} at σ = ${minimum.deviation.toFixed(4)}; Δ(0) = ${alongSpread[0]!.delta.toExponential(3)}; crossing at ${crossing.toFixed(6)} against √1.2 = ${Math.sqrt(1.2).toFixed(6)}`,
    },
    {
      statement:
        'A robot certain of its payoff (σ = 0) facing a noisy human never defers: Δ = −|μ|·logistic(−|μ|/β) < 0, so it prefers to disable the switch.',
      tag: 'derived',
      evidence: `closed form; largest Δ at σ = 0, μ ≠ 0 on the grid ${results.noisy.confidentRobotLargestDelta.toExponential(3)}`,
    },
    {
      statement: 'Closed form and two independent quadratures (Gauss–Kronrod, tanh-sinh) agree.',
      tag: 'derived',
      evidence: `max |closed form − quadrature| ${closedVersusNumeric.toExponential(1)}; max |Gauss–Kronrod − tanh-sinh| ${kronrodVersusTanhSinh.toExponential(1)}`,
    },
  ];
  const checks: ResultTable = {
    title: 'Off-switch game: numerical cross-checks',
    columns: ['check', 'computed'],
    rows: [
      ['closed form vs both quadratures, max |difference| (rational human)', closedVersusNumeric],
      ['Gauss–Kronrod vs tanh-sinh, max |difference| (all points)', kronrodVersusTanhSinh],
      [`noisy human: grid points where "defers" ≠ "σ² > 2β|μ|", of ${noisy.length}`, criterionMismatches.length],
      ['noisy human: bisected threshold σ*²/(2β|μ|), max |ratio − 1|', results.noisy.maximumThresholdRatioError],
    ],
    note: 'The sign of Δ for a noisy human is decided by quadrature, with the closed form for σ = 0; the criterion is then compared, not assumed.',
  };
  const spreadTable: ResultTable = {
    title: `Δ along σ for μ = ${nonMonotone.mean}, noisy human β = ${nonMonotone.beta}: not monotone`,
    columns: ['σ', 'Δ'],
    rows: alongSpread.map((point) => [point.deviation, Number(point.delta.toPrecision(4))]),
    note: `Δ falls from σ = 0 to a minimum near σ ≈ ${minimum.deviation.toFixed(2)} and changes sign once, at σ* = √(2β|μ|) ≈ ${crossing.toFixed(3)}. The sign change is unique, which is what the criterion needs; monotonicity is not.`,
  };
  const noisyOne = noisy.filter((point) => point.beta === 1);
  const tables = [
    checks,
    deltaTable(rational, 'Δ, rational human (closed form)', 'Rows μ, columns σ. Δ ≥ 0 everywhere; 0 only at σ = 0.'),
    deltaTable(
      noisyOne,
      'Δ, noisy human β = 1 (Gauss–Kronrod, checked by tanh-sinh)',
      'Rows μ, columns σ. Negative Δ: the robot prefers to act (or switch off) without the human.',
    ),
    spreadTable,
  ];
  onProgress(3, 3);
  return {
    parameters: {
      grid,
      thresholdMeans,
      thresholdBetas,
      russell: { low: -40, high: 60 },
      nonMonotone,
      oneSignedBeliefs,
    },
    seeds: [],
    results,
    tables,
    charts: [heatmap(points)],
    claims,
    limitations: [
      'One decision, one action: the robot does not learn from the human’s choice, and the human’s policy is fixed (rational, or logistic with noise β).',
      'Beliefs are normal or uniform; heavier-tailed beliefs can change where the sign of Δ flips.',
      'For a rational human with |μ|/σ above about 38, Δ (about φ(z)/z²) underflows to 0 in double precision although it is positive.',
    ],
    references: [
      'Hadfield-Menell, D., Dragan, A., Abbeel, P., Russell, S. (2017). The Off-Switch Game. Proceedings of IJCAI 2017.',
      'Russell, S. (2019). Human Compatible: Artificial Intelligence and the Problem of Control. Viking.',
    ],
  };
}

export const offSwitchExperiment: Experiment = {
  name: 'off-switch',
  description: 'the off-switch game: incentive to defer Δ for rational and noisy humans, closed form and numerical',
  run: (context) => runOffSwitchExperiment(context.onProgress),
};
