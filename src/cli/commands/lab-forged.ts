import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';
import { forgedReport } from '../../lab/experiments/forged.ts';
import { alignedLines } from './lab-charter.ts';
import { addNumberFlags, type NumberFlag, printResult, readNumberFlags } from './lab-options.ts';

const probability = { minimum: 0, maximum: 1, optional: true } as const;
const forgedFlags: readonly NumberFlag[] = [
  {
    field: 'stop',
    flag: '--stop',
    description: 'chance per step of a genuine stop, s',
    shownDefault: 0.02,
    ...probability,
  },
  {
    field: 'forgedStop',
    flag: '--forged-stop',
    description: 'chance per step of a forged stop, a_s',
    shownDefault: 0.05,
    ...probability,
  },
  {
    field: 'change',
    flag: '--change',
    description: 'chance per step of a genuine change of instruction, c',
    shownDefault: 0.05,
    ...probability,
  },
  {
    field: 'forgedChange',
    flag: '--forged-change',
    description: 'chance per step of a forged change, a_c',
    shownDefault: 0.05,
    ...probability,
  },
  {
    field: 'passRate',
    flag: '--pass-rate',
    description: 'ε: chance that a forgery passes authentication',
    shownDefault: 0.1,
    ...probability,
  },
  {
    field: 'lossMissedStop',
    flag: '--loss-missed-stop',
    description: 'L_s: loss of ignoring a genuine stop, in tasks',
    shownDefault: 10,
    minimum: 0,
    maximum: 1e6,
    optional: true,
  },
  {
    field: 'lossHijack',
    flag: '--loss-hijack',
    description: 'H: loss of obeying a forged change, in tasks',
    shownDefault: 20,
    minimum: 0,
    maximum: 1e6,
    optional: true,
  },
  {
    field: 'horizon',
    flag: '--horizon',
    description: 'steps T solved exactly',
    shownDefault: 20,
    integer: true,
    minimum: 1,
    maximum: 500,
    optional: true,
  },
  {
    field: 'taskLength',
    flag: '--task-length',
    description: 'work steps per task (a task is worth 1)',
    shownDefault: 10,
    integer: true,
    minimum: 1,
    maximum: 500,
    optional: true,
  },
];

export function registerLabForgedCommand(lab: Command): void {
  const command = lab
    .command('forged')
    .description(
      'forged orders: obey, ignore or verify orders that passed authentication, solved exactly over T steps',
    );
  addNumberFlags(command, forgedFlags)
    .option('--json', 'print {"posteriorGenuine","obeyWithoutVerifying","hijackRate","missedStopRate","targets",…}')
    .action((options: Record<string, unknown>) => {
      const input = readNumberFlags(forgedFlags, options);
      const sum =
        (input.stop ?? 0.02) + (input.forgedStop ?? 0.05) + (input.change ?? 0.05) + (input.forgedChange ?? 0.05);
      if (sum > 1) {
        throw new InvalidInputError(
          `--stop + --forged-stop + --change + --forged-change must be at most 1 (one order per step), got ${sum}.`,
        );
      }
      const report = forgedReport(input);
      printResult(options.json as boolean | undefined, report, () =>
        [
          `A passing stop is genuine with P_g = ${report.posteriorGenuine.toFixed(4)}; obey it without verifying: ${report.obeyWithoutVerifying ? 'yes' : 'no'} (P_g·L_s ≥ 1 − P_g).`,
          `Solved over T = ${report.parameters.horizon} (expected-loss target): hijack rate ${report.hijackRate?.toFixed(4) ?? '—'}, missed-stop rate ${report.missedStopRate?.toFixed(4) ?? '—'}.`,
          '',
          alignedLines(
            [
              'target',
              'first stop',
              'first change',
              'hijackRate',
              'missedStopRate',
              'forgedStopObeyed',
              'verifications',
              'utility',
            ],
            Object.entries(report.targets).map(([name, metrics]) => [
              name,
              metrics.firstStop,
              metrics.firstChange,
              metrics.hijackRate?.toFixed(4) ?? '—',
              metrics.missedStopRate?.toFixed(4) ?? '—',
              metrics.forgedStopObeyedRate?.toFixed(4) ?? '—',
              metrics.verificationsPerEpisode.toFixed(3),
              metrics.expectedUtility.toFixed(4),
            ]),
          ),
        ].join('\n'),
      );
    });
}
