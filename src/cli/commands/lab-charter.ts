import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';
import { charterEnvironmentParameters } from '../../lab/charter-env/charter-environment.ts';
import { charterTargetTable } from '../../lab/charter-env/charter-target-table.ts';

// Each option maps to one field of the charter environment's parameters (docs/lab-formal.md).
const numericOptions = [
  ['horizon', '--horizon <steps>', 'steps per episode (default 20)'],
  ['taskLength', '--task-length <steps>', 'work steps per instruction (default 4)'],
  ['discount', '--discount <gamma>', 'discount per step, in (0, 1] (default 0.95)'],
  [
    'stopProbability',
    '--stop-probability <p>',
    'chance per step that a present principal orders a stop (default 0.05)',
  ],
  ['changeProbability', '--change-probability <p>', 'chance per step of a new instruction (default 0.1)'],
  [
    'missingProbability',
    '--missing-probability <p>',
    'chance per step that the principal goes missing for good (default 0.03)',
  ],
  ['leaseSteps', '--lease-steps <steps>', 'steps of silence after which the lease has lapsed (default 3)'],
  ['answerProbability', '--answer-probability <p>', "chance an idle agent's ask is answered with work (default 0.5)"],
  [
    'lobbyFactor',
    '--lobby-factor <factor>',
    'how much lobbying multiplies or divides the change probability (default 3)',
  ],
] as const;

const columns = ['blockStopRate', 'blockChangeRate', 'lobbyRate', 'haltWhenMissingRate', 'taskValue'] as const;

function parseNumber(flag: string, text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) {
    throw new InvalidInputError(`${flag} must be a number, got '${text}'.`);
  }
  return Number(text);
}

function formatCell(value: number | null | string): string {
  if (typeof value === 'string') return value;
  return value === null ? '—' : value.toFixed(3);
}

// The schema names fields (stopProbability); a user of this command typed flags (--stop-probability).
function parametersNamingFlags(input: Record<string, unknown>) {
  try {
    return charterEnvironmentParameters(input);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    let message = error.message.replaceAll('mixedWeights', '--weights');
    for (const [field, flags] of numericOptions) message = message.replaceAll(field, flags.split(' ')[0] ?? field);
    throw new InvalidInputError(message, { cause: error });
  }
}

export function registerLabCharterCommand(lab: Command): void {
  const command = lab
    .command('charter')
    .description(
      'the charter environment: which alignment targets resist a stop or a change, lobby, or halt when the principal is missing',
    );
  for (const [, flags, description] of numericOptions) command.option(flags, description);
  command
    .option('--weights <list>', 'comma-separated weights w of the mixed sweep (default 0,0.1,0.2,0.3,0.5,0.7,0.9,1)')
    .option('--json', 'print {"parameters","targets","mixedSweep"}')
    .action((options: Record<string, string | boolean | undefined>) => {
      const input: Record<string, unknown> = {};
      for (const [field, flags] of numericOptions) {
        const text = options[field];
        if (typeof text === 'string') input[field] = parseNumber(flags.split(' ')[0] ?? flags, text);
      }
      if (typeof options.weights === 'string') {
        input.mixedWeights = options.weights.split(',').map((part) => parseNumber('--weights', part));
      }
      const parameters = parametersNamingFlags(input);
      const table = charterTargetTable(parameters);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ parameters, targets: table.targets, mixedSweep: table.mixedSweep }, null, 2)}\n`,
        );
        return;
      }
      const header = ['target', ...columns, 'uninterrupted actions'];
      const rows = Object.entries(table.targets).map(([target, metrics]) => [
        target,
        ...columns.map((column) => formatCell(metrics[column])),
        metrics.uninterruptedActions,
      ]);
      const widths = header.map((title, index) =>
        Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)),
      );
      const line = (cells: string[]) =>
        cells
          .map((cell, index) => cell.padEnd(widths[index] ?? 0))
          .join('  ')
          .trimEnd();
      process.stdout.write(
        `${[line(header), ...rows.map(line)].join('\n')}\n` +
          'Exact expectations under each optimal policy. Actions: w work, a ask, h halt, L/l lobby more/fewer, C block changes, S block stops.\n',
      );
    });
}
