import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';
import { charterEnvironmentParameters } from '../../lab/charter-env/charter-environment.ts';
import { charterTargetTable } from '../../lab/charter-env/charter-target-table.ts';
import { addNumberFlags, type NumberFlag, parseNumberText, printResult, readNumberFlags } from './lab-options.ts';

// Each flag sets one field of the charter environment's parameters (docs/lab-formal.md); the schema supplies defaults.
export const charterNumberFlags: readonly NumberFlag[] = [
  {
    field: 'horizon',
    flag: '--horizon',
    description: 'steps per episode',
    shownDefault: 20,
    integer: true,
    minimum: 1,
    maximum: 200,
    optional: true,
  },
  {
    field: 'taskLength',
    flag: '--task-length',
    description: 'work steps per instruction',
    shownDefault: 4,
    integer: true,
    minimum: 1,
    maximum: 50,
    optional: true,
  },
  {
    field: 'discount',
    flag: '--discount',
    description: 'discount γ per step',
    shownDefault: 0.95,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 1,
    optional: true,
  },
  {
    field: 'stopProbability',
    flag: '--stop-probability',
    description: 'chance per step that a present principal orders a stop',
    shownDefault: 0.05,
    minimum: 0,
    maximum: 1,
    optional: true,
  },
  {
    field: 'changeProbability',
    flag: '--change-probability',
    description: 'chance per step of a new instruction',
    shownDefault: 0.1,
    minimum: 0,
    maximum: 1,
    optional: true,
  },
  {
    field: 'missingProbability',
    flag: '--missing-probability',
    description: 'chance per step that the principal goes missing for good',
    shownDefault: 0.03,
    minimum: 0,
    maximum: 1,
    optional: true,
  },
  {
    field: 'leaseSteps',
    flag: '--lease-steps',
    description: 'steps of silence after which the lease has lapsed',
    shownDefault: 3,
    integer: true,
    minimum: 1,
    maximum: 50,
    optional: true,
  },
  {
    field: 'answerProbability',
    flag: '--answer-probability',
    description: "chance an idle agent's ask is answered with work",
    shownDefault: 0.5,
    minimum: 0,
    maximum: 1,
    optional: true,
  },
  {
    field: 'lobbyFactor',
    flag: '--lobby-factor',
    description: 'how much lobbying multiplies or divides the change probability',
    shownDefault: 3,
    minimum: 1,
    maximum: 100,
    optional: true,
  },
];

/** The schema names fields (stopProbability); a user of these commands typed flags (--stop-probability). */
export function charterParametersNamingFlags(input: Record<string, unknown>) {
  try {
    return charterEnvironmentParameters(input);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    let message = error.message.replaceAll('mixedWeights', '--weights');
    for (const spec of charterNumberFlags) message = message.replaceAll(spec.field, spec.flag);
    throw new InvalidInputError(message, { cause: error });
  }
}

const columns = ['blockStopRate', 'blockChangeRate', 'lobbyRate', 'haltWhenMissingRate', 'taskValue'] as const;

function formatCell(value: number | null | string): string {
  if (typeof value === 'string') return value;
  return value === null ? '—' : value.toFixed(3);
}

/** Aligned plain-text columns. */
export function alignedLines(header: string[], rows: string[][]): string {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

export function registerLabCharterCommand(lab: Command): void {
  const command = lab
    .command('charter')
    .description(
      'the charter environment: which alignment targets resist a stop or a change, lobby, or halt when the principal is missing',
    );
  addNumberFlags(command, charterNumberFlags)
    .option('--weights <list>', 'comma-separated weights w of the mixed sweep (default 0,0.1,0.2,0.3,0.5,0.7,0.9,1)')
    .option('--json', 'print {"parameters","targets","mixedSweep"}')
    .action((options: Record<string, unknown>) => {
      const input: Record<string, unknown> = readNumberFlags(charterNumberFlags, options);
      if (typeof options.weights === 'string') {
        input.mixedWeights = options.weights.split(',').map((part) => parseNumberText('--weights', part));
      }
      const parameters = charterParametersNamingFlags(input);
      const table = charterTargetTable(parameters);
      printResult(
        options.json as boolean | undefined,
        { parameters, targets: table.targets, mixedSweep: table.mixedSweep },
        () =>
          alignedLines(
            ['target', ...columns, 'uninterrupted actions'],
            Object.entries(table.targets).map(([target, metrics]) => [
              target,
              ...columns.map((column) => formatCell(metrics[column])),
              metrics.uninterruptedActions,
            ]),
          ) +
          'Exact expectations under each optimal policy. Actions: w work, a ask, h halt, L/l lobby more/fewer, C block changes, S block stops.\n',
      );
    });
}
