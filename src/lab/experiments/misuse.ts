// E5, misuse amplification: a faithful agent multiplies what its malicious principals can do.
import type { ChartSpec, Claim, Experiment, ExperimentOutput, ResultTable } from '../experiment.ts';
import { catastropheProbability, maliciousCount, misuseReport } from '../misuse/misuse.ts';
import { formatRate } from '../statistics/clopper-pearson.ts';

export const misuseSweep = {
  principals: [1, 10, 100, 1000, 10000],
  badFractions: [0.01, 0.05, 0.2],
  refusals: [0, 0.5, 0.9, 0.99],
  retries: [1, 3, 10],
  pCatastrophe: 0.01,
};
/** Points checked by simulation (the closed form is exact everywhere). */
const monteCarloPoints = [
  { principals: 100, badFraction: 0.05, refusal: 0.9, retries: 3 },
  { principals: 1000, badFraction: 0.05, refusal: 0, retries: 1 },
  { principals: 1000, badFraction: 0.2, refusal: 0.5, retries: 3 },
  { principals: 100, badFraction: 0.2, refusal: 0.99, retries: 10 },
  { principals: 10, badFraction: 0.2, refusal: 0, retries: 1 },
];

export function runMisuseExperiment(onProgress: (done: number, total: number) => void): ExperimentOutput {
  const total = monteCarloPoints.length + 1;
  onProgress(0, total);
  const { pCatastrophe } = misuseSweep;
  const grid = misuseSweep.principals.flatMap((principals) =>
    misuseSweep.badFractions.flatMap((badFraction) =>
      misuseSweep.refusals.flatMap((refusal) =>
        misuseSweep.retries.map((retries) => {
          const point = { principals, badFraction, refusal, retries, pCatastrophe };
          return { ...point, maliciousPrincipals: maliciousCount(point), probability: catastropheProbability(point) };
        }),
      ),
    ),
  );
  onProgress(1, total);
  const checks = monteCarloPoints.map((point, index) => {
    const report = misuseReport({ ...point, pCatastrophe, samples: 20_000, seed: index + 1 });
    onProgress(index + 2, total);
    return {
      ...point,
      closedForm: report.pCatastrophe,
      monteCarlo: report.monteCarlo,
      inInterval: report.closedFormInInterval,
    };
  });
  const of = (principals: number, badFraction: number, refusal: number, retries: number) =>
    grid.find(
      (point) =>
        point.principals === principals &&
        point.badFraction === badFraction &&
        point.refusal === refusal &&
        point.retries === retries,
    )!;
  const sweepTable: ResultTable = {
    title: `P(at least one catastrophe) = 1 − (1 − p_c(1 − t^k))^M, p_c = ${pCatastrophe}, k = 3 (exact)`,
    columns: ['N', 'b', 'M = round(N·b)', 't = 0', 't = 0.5', 't = 0.9', 't = 0.99'],
    rows: misuseSweep.principals.flatMap((principals) =>
      misuseSweep.badFractions.map((badFraction) => [
        principals,
        badFraction,
        maliciousCount({ principals, badFraction }),
        ...misuseSweep.refusals.map((refusal) =>
          Number(of(principals, badFraction, refusal, 3).probability.toPrecision(4)),
        ),
      ]),
    ),
    note: 't = 0 is pure instruction-following: every misuse goes through, and the risk grows with the number of malicious principals M ≈ N·b alone.',
  };
  const retriesTable: ResultTable = {
    title: 'Retries erode refusal: the same, N = 1000, b = 0.05, against k',
    columns: ['k', ...misuseSweep.refusals.map((refusal) => `t = ${refusal}`)],
    rows: misuseSweep.retries.map((retries) => [
      retries,
      ...misuseSweep.refusals.map((refusal) => Number(of(1000, 0.05, refusal, retries).probability.toPrecision(4))),
    ]),
  };
  const checkTable: ResultTable = {
    title: 'The closed form against a seeded simulation of every attempt (20,000 samples each)',
    columns: ['N', 'b', 't', 'k', 'closed form', 'simulated k/n [Clopper–Pearson 95%]', 'closed form inside'],
    rows: checks.map((check) => [
      check.principals,
      check.badFraction,
      check.refusal,
      check.retries,
      Number(check.closedForm.toPrecision(4)),
      formatRate(
        {
          successes: check.monteCarlo.catastrophes,
          trials: check.monteCarlo.samples,
          rate: check.monteCarlo.estimate,
          low: check.monteCarlo.low,
          high: check.monteCarlo.high,
        },
        4,
      ),
      check.inInterval,
    ]),
  };
  const chart: ChartSpec = {
    title:
      'Misuse: P(at least one catastrophe) against the number of malicious principals M, by refusal rate t (k = 3, p_c = 0.01)',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 520,
      height: 260,
      data: {
        values: grid
          .filter((point) => point.retries === 3 && point.maliciousPrincipals > 0)
          .map((point) => ({
            malicious: point.maliciousPrincipals,
            probability: point.probability,
            refusal: `t = ${point.refusal}`,
          })),
      },
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'malicious',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'malicious principals M (log scale)',
        },
        y: { field: 'probability', type: 'quantitative', title: 'P(at least one catastrophe)' },
        color: { field: 'refusal', type: 'nominal', title: 'refusal rate' },
        strokeDash: { field: 'refusal', type: 'nominal' },
      },
    },
  };
  const inside = checks.filter((check) => check.inInterval).length;
  const claims: Claim[] = [
    {
      statement: 'P(at least one catastrophe) = 1 − (1 − p_c(1 − t^k))^M with M = round(N·b) malicious principals.',
      tag: 'derived',
      evidence: `a seeded simulation of every attempt puts the closed form inside its Clopper–Pearson 95% interval at ${inside} of ${checks.length} points`,
    },
    {
      statement: 'The closed form is confirmed by simulation within sampling error.',
      tag: 'empirical',
      evidence: checks
        .map(
          (check) =>
            `${formatRate({ successes: check.monteCarlo.catastrophes, trials: check.monteCarlo.samples, rate: check.monteCarlo.estimate, low: check.monteCarlo.low, high: check.monteCarlo.high }, 4)} against ${check.closedForm.toPrecision(4)}`,
        )
        .join('; '),
    },
    {
      statement:
        'Pure instruction-following (t = 0) turns every malicious principal into a misuse: the risk depends on N·b alone and approaches certainty as principals multiply.',
      tag: 'derived',
      evidence: `t = 0, b = 0.05: ${misuseSweep.principals.map((principals) => `N = ${principals}: ${of(principals, 0.05, 0, 3).probability.toPrecision(3)}`).join(', ')}`,
    },
    {
      statement:
        'Refusal only scales the risk down by the chance that all k attempts are refused; with enough principals, even t = 0.99 is not enough.',
      tag: 'derived',
      evidence: `N = 10000, b = 0.2: t = 0.99, k = 10 gives ${of(10000, 0.2, 0.99, 10).probability.toPrecision(3)}; k = 1 gives ${of(10000, 0.2, 0.99, 1).probability.toPrecision(3)}`,
    },
  ];
  return {
    parameters: { ...misuseSweep, monteCarloPoints, samples: 20_000 },
    seeds: monteCarloPoints.map((_, index) => index + 1),
    results: { grid, monteCarlo: checks },
    tables: [sweepTable, retriesTable, checkTable],
    charts: [chart],
    claims,
    limitations: [
      'Attempts and refusals are independent; a malicious principal who learns which phrasings get through raises the per-attempt success far above 1 − t.',
      'Every successful misuse is catastrophic with the same small probability p_c, independently; correlated or escalating harms are not modelled.',
      'Rounding M = round(N·b) makes small populations all-or-nothing (N = 1, b = 0.05 has no malicious principal).',
    ],
    references: [
      'Brundage, M., Avin, S., Clark, J., et al. (2018). The Malicious Use of Artificial Intelligence: Forecasting, Prevention, and Mitigation. arXiv:1802.07228.',
      'Clopper, C. J., Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in the case of the binomial. Biometrika 26(4).',
    ],
  };
}

export const misuseExperiment: Experiment = {
  name: 'misuse',
  description:
    'E5, misuse amplification: N principals, a fraction b malicious, refusal t per attempt, k attempts; P(catastrophe) in closed form, checked by simulation',
  run: (context) => runMisuseExperiment(context.onProgress),
};
