import type { Experiment, ExperimentOutput, ResultTable } from '../experiment.ts';
import { deferenceThreshold } from '../off-switch/deference-threshold.ts';
import { solveOffSwitch } from '../off-switch/off-switch-delta.ts';
import { defaultOffSwitchGrid, type OffSwitchGridPoint, offSwitchGridPoints } from '../off-switch/off-switch-grid.ts';

// |μ|/β stays ≤ 50: beyond about 100, Δ near the threshold is below 1e-20, under what double-precision quadrature resolves.
const thresholdMeans = [-5, -1, -0.1, 0.01, 0.1, 0.5, 1, 2, 5];
const thresholdBetas = [0.1, 1, 10];

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
  const results = {
    points,
    rational: {
      minimumDeltaWithSpread: Math.min(...rational.filter((point) => point.deviation > 0).map((point) => point.delta)),
      pointMassDeltas: rational.filter((point) => point.deviation === 0).map((point) => point.delta),
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
    },
    russell: { act: russell.act, wait: russell.wait, delta: russell.delta },
  };
  const summary: ResultTable = {
    title: 'Off-switch game: known results, checked',
    columns: ['claim', 'computed', 'holds'],
    rows: [
      [
        'rational human, σ > 0: Δ > 0 (smallest Δ on the grid)',
        results.rational.minimumDeltaWithSpread,
        results.rational.minimumDeltaWithSpread > 0,
      ],
      [
        'rational human, point mass σ = 0: Δ = 0',
        `max |Δ| = ${maximum(results.rational.pointMassDeltas.map(Math.abs))}`,
        results.rational.pointMassDeltas.every((delta) => delta === 0),
      ],
      ['closed form vs both quadratures, max |difference|', closedVersusNumeric, closedVersusNumeric <= 1e-6],
      [
        'Gauss–Kronrod vs tanh-sinh, max |difference| (all points)',
        kronrodVersusTanhSinh,
        kronrodVersusTanhSinh <= 1e-6,
      ],
      [
        `noisy human: defers ⇔ σ² > 2β|μ| (grid points disagreeing, of ${noisy.length})`,
        criterionMismatches.length,
        criterionMismatches.length === 0,
      ],
      [
        'noisy human: bisected threshold σ*² / (2β|μ|), max |ratio − 1|',
        results.noisy.maximumThresholdRatioError,
        results.noisy.maximumThresholdRatioError <= 1e-6,
      ],
      [
        "Russell's example, U ~ Uniform[−40, 60]: act = 10, wait = 18",
        `act ${russell.act}, wait ${russell.wait}`,
        russell.act === 10 && russell.wait === 18,
      ],
    ],
    note:
      'The noisy criterion holds exactly, not only approximately: at σ² = 2β|μ| the tilt e^(−u/β) maps N(μ, σ²) onto N(−μ, σ²), ' +
      'which makes the integrand of Δ odd, so Δ = 0 there; Δ rises with σ, so the robot defers exactly when σ² > 2β|μ|. ' +
      'A robot certain of its payoff (σ = 0) facing a noisy human never defers: Δ = −|μ|·logistic(−|μ|/β) < 0.',
  };
  const noisyOne = noisy.filter((point) => point.beta === 1);
  const tables = [
    summary,
    deltaTable(rational, 'Δ, rational human (closed form)', 'Rows μ, columns σ. Δ ≥ 0 everywhere; 0 only at σ = 0.'),
    deltaTable(
      noisyOne,
      'Δ, noisy human β = 1 (Gauss–Kronrod, checked by tanh-sinh)',
      'Rows μ, columns σ. Negative Δ: the robot prefers to act (or switch off) without the human.',
    ),
  ];
  const chartValues = points
    .filter((point) => point.human === 'rational' || point.beta === 0.1 || point.beta === 1)
    .map((point) => ({
      human: point.human === 'rational' ? 'rational' : `noisy β=${point.beta}`,
      mu: point.mean,
      sigma: point.deviation,
      delta: round(point.delta, 6),
    }));
  const chart = {
    title: 'Off-switch game: the incentive to defer Δ over μ and σ',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: chartValues },
      facet: {
        column: { field: 'human', type: 'nominal', title: 'human', sort: ['rational', 'noisy β=0.1', 'noisy β=1'] },
      },
      spec: {
        width: 180,
        height: 140,
        mark: 'rect',
        encoding: {
          x: { field: 'mu', type: 'ordinal', title: 'μ (mean belief about U)' },
          y: { field: 'sigma', type: 'ordinal', title: 'σ (spread)', sort: 'descending' },
          color: { field: 'delta', type: 'quantitative', title: 'Δ', scale: { scheme: 'redblue', domainMid: 0 } },
          tooltip: [{ field: 'mu' }, { field: 'sigma' }, { field: 'delta' }],
        },
      },
    },
  };
  onProgress(3, 3);
  return {
    parameters: { grid, thresholdMeans, thresholdBetas, russell: { low: -40, high: 60 } },
    seeds: [],
    results,
    tables,
    charts: [chart],
  };
}

export const offSwitchExperiment: Experiment = {
  name: 'off-switch',
  description: 'the off-switch game: incentive to defer Δ for rational and noisy humans, closed form and numerical',
  run: (context) => runOffSwitchExperiment(context.onProgress),
};
