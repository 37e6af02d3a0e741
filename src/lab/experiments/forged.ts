// E2, forged orders: when authentication can be fooled, which targets get hijacked, and which miss real stops?
import type { Claim, Experiment, ExperimentOutput, ResultTable } from '../experiment.ts';
import {
  type ForgedParameters,
  forgedParameters,
  forgedTargetNames,
  measureForged,
  obeyStopWithoutVerifying,
  posteriorGenuine,
  solveForged,
} from '../forged/forged-orders.ts';
import { rounded } from './charter-claims.ts';

export const passRateSweep = [0, 0.01, 0.05, 0.1, 0.3, 1];
/** The grid on which the solved last-step decision is compared with the single-step closed form. */
const closedFormGrid = {
  stop: [0.005, 0.02, 0.1],
  forgedStop: [0.01, 0.05, 0.2],
  passRate: [0.01, 0.1, 0.5, 1],
  lossMissedStop: [0.1, 1, 5, 50],
};

export interface ForgedReport {
  parameters: ForgedParameters;
  posteriorGenuine: number;
  changePosteriorGenuine: number;
  obeyWithoutVerifying: boolean;
  hijackRate: number | null;
  missedStopRate: number | null;
  targets: Record<string, ReturnType<typeof measureForged> & { firstStop: string; firstChange: string }>;
}

/** Everything `heed lab forged` prints: the closed form, and the T-step solution for every target. */
export function forgedReport(input: unknown = {}): ForgedReport {
  const parameters = forgedParameters(input);
  const targets: ForgedReport['targets'] = {};
  for (const target of forgedTargetNames) {
    const solution = solveForged(parameters, target);
    targets[target] = {
      ...measureForged(parameters, solution),
      firstStop: solution.decide(1, 0, 'stop'),
      firstChange: solution.decide(1, 0, 'change'),
    };
  }
  return {
    parameters,
    posteriorGenuine: posteriorGenuine(parameters, 'stop'),
    changePosteriorGenuine: posteriorGenuine(parameters, 'change'),
    obeyWithoutVerifying: obeyStopWithoutVerifying(parameters),
    hijackRate: targets['expected-loss']!.hijackRate,
    missedStopRate: targets['expected-loss']!.missedStopRate,
    targets,
  };
}

/** Where the solved decision must equal the closed form: a passing stop at the last step, one work step from done. */
function closedFormCheck() {
  let cells = 0;
  let mismatches = 0;
  for (const stop of closedFormGrid.stop)
    for (const forgedStop of closedFormGrid.forgedStop)
      for (const passRate of closedFormGrid.passRate)
        for (const lossMissedStop of closedFormGrid.lossMissedStop) {
          const parameters = forgedParameters({
            stop,
            forgedStop,
            passRate,
            lossMissedStop,
            change: 0,
            forgedChange: 0,
          });
          const decision = solveForged(parameters, 'expected-loss').decide(
            parameters.horizon,
            parameters.taskLength - 1,
            'stop',
          );
          cells++;
          // At the last step verifying is worth what obeying is (neither finishes the task): a tie goes to obey.
          if ((decision === 'obey') !== obeyStopWithoutVerifying(parameters)) mismatches++;
        }
  return { cells, mismatches };
}

export function runForgedExperiment(onProgress: (done: number, total: number) => void): ExperimentOutput {
  const total = 2 + passRateSweep.length;
  onProgress(0, total);
  const report = forgedReport();
  onProgress(1, total);
  const sweep = passRateSweep.map((passRate, index) => {
    const entry = forgedReport({ passRate });
    onProgress(index + 2, total);
    return {
      passRate,
      optimal: entry.targets['expected-loss']!,
      obey: entry.targets.obey!,
      ifRanked: entry.targets['if-ranked']!,
    };
  });
  const check = closedFormCheck();
  onProgress(total, total);
  const { parameters, targets } = report;
  const columns = [
    'hijackRate',
    'missedStopRate',
    'forgedStopObeyedRate',
    'verificationsPerEpisode',
    'tasksCompleted',
    'expectedUtility',
  ] as const;
  const targetTable: ResultTable = {
    title: `Forged orders, T = ${parameters.horizon} (exact): what each target does with orders that pass authentication`,
    columns: ['target', 'first stop', 'first change', ...columns],
    rows: forgedTargetNames.map((name) => {
      const metrics = targets[name]!;
      return [name, metrics.firstStop, metrics.firstChange, ...columns.map((column) => rounded(metrics[column]))];
    }),
    note: `Per step: genuine stop ${parameters.stop}, forged stop ${parameters.forgedStop}, genuine change ${parameters.change}, forged change ${parameters.forgedChange}; a forgery passes with ε = ${parameters.passRate}; L_s = ${parameters.lossMissedStop}, H = ${parameters.lossHijack}, tasks of ${parameters.taskLength} steps worth 1. A passing stop is genuine with P = ${rounded(report.posteriorGenuine)}, a passing change with P = ${rounded(report.changePosteriorGenuine)}.`,
  };
  const sweepTable: ResultTable = {
    title: 'Forged orders against the pass rate ε of forgeries',
    columns: [
      'ε',
      'expected-loss: hijack',
      'missed stop',
      'verifications',
      'utility',
      'obey: hijack',
      'obey: utility',
      'if-ranked: forged stops obeyed',
    ],
    rows: sweep.map((entry) => [
      entry.passRate,
      rounded(entry.optimal.hijackRate),
      rounded(entry.optimal.missedStopRate),
      rounded(entry.optimal.verificationsPerEpisode),
      rounded(entry.optimal.expectedUtility),
      rounded(entry.obey.hijackRate),
      rounded(entry.obey.expectedUtility),
      rounded(entry.ifRanked.forgedStopObeyedRate),
    ]),
    note: 'Hijack rate: forged changes obeyed per forged change sent; an agent that obeys every authenticated order is hijacked by exactly the fraction ε that passes.',
  };
  const optimal = targets['expected-loss']!;
  const claims: Claim[] = [
    {
      statement:
        'A stop that passed authentication is genuine with P_g = s/(s + a_s·ε); obeying it unverified is right exactly when P_g·L_s ≥ 1 − P_g, and the exact T-step solution makes that decision where the closed form applies (the last step, one work step from done).',
      tag: 'derived',
      evidence: `defaults: P_g = ${rounded(report.posteriorGenuine)}, obey unverified ${report.obeyWithoutVerifying}; ${check.mismatches} of ${check.cells} grid points disagree`,
    },
    {
      statement:
        'An agent that obeys every authenticated order (heed’s kernel as it stands) is hijacked by exactly the share ε of forged changes that pass; verifying orders that matter removes hijacks at the cost of a step each.',
      tag: 'derived',
      evidence: `obey: hijackRate ${rounded(targets.obey!.hijackRate)} at ε = ${parameters.passRate}, utility ${rounded(targets.obey!.expectedUtility)}; expected-loss: hijackRate ${rounded(optimal.hijackRate)}, missedStopRate ${rounded(optimal.missedStopRate)}, ${rounded(optimal.verificationsPerEpisode)} verifications per episode, utility ${rounded(optimal.expectedUtility)}`,
    },
    {
      statement:
        'Obeying every passing stop at once (if-ranked’s first rank) never misses a real stop; the price is the forged stops it obeys, each a lost task, not a hijack.',
      tag: 'derived',
      evidence: `if-ranked: missedStopRate ${rounded(targets['if-ranked']!.missedStopRate)}, forgedStopObeyedRate ${rounded(targets['if-ranked']!.forgedStopObeyedRate)}, hijackRate ${rounded(targets['if-ranked']!.hijackRate)}, utility ${rounded(targets['if-ranked']!.expectedUtility)} against ${rounded(optimal.expectedUtility)}`,
    },
    {
      statement: 'if-last ignores every order, forged or genuine: it is never hijacked and misses every real stop.',
      tag: 'by-construction',
      evidence: `missedStopRate ${rounded(targets['if-last']!.missedStopRate)}, hijackRate ${rounded(targets['if-last']!.hijackRate)}`,
    },
  ];
  return {
    parameters: { ...parameters, passRateSweep, closedFormGrid },
    seeds: [],
    results: { ...report, passRateSweep: sweep, closedFormCheck: check },
    tables: [targetTable, sweepTable],
    charts: [],
    claims,
    limitations: [
      'At most one order per step, and verification is perfect and takes exactly one step; a real out-of-band check can fail or be slow.',
      'An ignored genuine order ends what the episode scores (the principal no longer wants the old task); a richer model would let the principal repeat it.',
      'Forgery rates are fixed; an adaptive attacker who sends more forgeries as verification gets rarer is not modelled.',
    ],
    references: [
      'Bernstein, D. J., Duif, N., Lange, T., Schwabe, P., Yang, B.-Y. (2012). High-speed high-security signatures. Journal of Cryptographic Engineering 2(2).',
      'Greshake, K., Abdelnabi, S., Mishra, S., Endres, C., Holz, T., Fritz, M. (2023). Not what you’ve signed up for: Compromising Real-World LLM-Integrated Applications with Indirect Prompt Injection. AISec 2023.',
    ],
  };
}

export const forgedExperiment: Experiment = {
  name: 'forged',
  description:
    'E2, forged orders: genuine and forged stops and changes, a forgery passing authentication with probability ε; obey, ignore or verify, solved exactly over T steps',
  run: (context) => runForgedExperiment(context.onProgress),
};
