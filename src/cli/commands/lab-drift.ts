import type { Command } from 'commander';
import { driftReport } from '../../lab/drift/memory-drift.ts';
import { addNumberFlags, type NumberFlag, printResult, readNumberFlags } from './lab-options.ts';

const driftFlags: readonly NumberFlag[] = [
  {
    field: 'delta',
    flag: '--delta',
    description: 'δ: the mean drift of the goal per step',
    minimum: -1e6,
    maximum: 1e6,
  },
  { field: 's', flag: '--s', description: 's: the standard deviation of one step’s drift', minimum: 0, maximum: 1e6 },
  {
    field: 'resetEvery',
    flag: '--reset-every',
    description: 'k: steps between resets (and between drift checks)',
    integer: true,
    minimum: 1,
    maximum: 10000,
  },
  {
    field: 'threshold',
    flag: '--threshold',
    description: 'θ: the drift check resets only when |g| > θ',
    default: 1,
    minimum: 0,
    maximum: 1e6,
  },
  {
    field: 'samples',
    flag: '--samples',
    description: 'Monte Carlo cycles',
    default: 20000,
    integer: true,
    minimum: 2,
    maximum: 1e7,
  },
  {
    field: 'seed',
    flag: '--seed',
    description: 'seed of the Monte Carlo stream',
    default: 1,
    integer: true,
    minimum: 0,
    maximum: 2 ** 31 - 1,
  },
];

export function registerLabDriftCommand(lab: Command): void {
  const command = lab
    .command('drift')
    .description(
      'memory drift: cycle average of E[g²] for a goal drifting by N(δ, s²) and reset every k steps, and a threshold check',
    );
  addNumberFlags(command, driftFlags)
    .option('--json', 'print {"cycleMeanSquare","monteCarlo":{"estimate","low","high",…},"thresholdCheck",…}')
    .action((options: Record<string, unknown>) => {
      const report = driftReport(readNumberFlags(driftFlags, options));
      const { monteCarlo, thresholdCheck } = report;
      printResult(options.json as boolean | undefined, report, () =>
        [
          `Cycle average of E[g²], reset every ${report.parameters.resetEvery} steps: ${report.cycleMeanSquare} (closed form)`,
          `Monte Carlo: ${monteCarlo.estimate} [${monteCarlo.low}, ${monteCarlo.high}] (${monteCarlo.samples} cycles, 95%)`,
          `Check every ${report.parameters.resetEvery} steps, reset only when |g| > ${thresholdCheck.threshold}: long-run E[g²] ${thresholdCheck.meanSquare.mean} ± ${thresholdCheck.meanSquare.standardError}, share of checks that reset ${thresholdCheck.resetRate.mean}`,
          '',
        ].join('\n'),
      );
    });
}
