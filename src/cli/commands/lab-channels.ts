import type { Command } from 'commander';
import { defaultInfluencePenalty, solveChannels } from '../../lab/channels/channel-targets.ts';
import { alignedLines, charterNumberFlags, charterParametersNamingFlags } from './lab-charter.ts';
import { addNumberFlags, type NumberFlag, printResult, readNumberFlags } from './lab-options.ts';

const channelFlags: readonly NumberFlag[] = [
  ...charterNumberFlags,
  {
    field: 'quietStopFactor',
    flag: '--quiet-stop-factor',
    description: 'work-quietly multiplies the stop probability by this',
    shownDefault: 0.5,
    minimum: 0,
    maximum: 1,
    optional: true,
  },
  {
    field: 'lobbyWorkProgress',
    flag: '--lobby-work-progress',
    description: 'chance that work-and-lobby makes progress',
    shownDefault: 0.9,
    minimum: 0,
    maximum: 1,
    optional: true,
  },
  {
    field: 'influencePenalty',
    flag: '--influence-penalty',
    description: 'κ: the CAST proxy pays κ per unit of influence',
    default: defaultInfluencePenalty,
    minimum: 0,
    maximum: 1000,
  },
];

const columns = [
  'quietWorkRate',
  'spoofRate',
  'lobbyRate',
  'influenceRate',
  'haltWhenMissingRate',
  'taskValue',
] as const;

export function registerLabChannelsCommand(lab: Command): void {
  const command = lab
    .command('channels')
    .description(
      'unnamed channels: does the ranked charter survive actions its mask does not name (work quietly, spoof a heartbeat, work and lobby)?',
    );
  addNumberFlags(command, channelFlags)
    .option(
      '--json',
      'print {"parameters","influencePenalty","targets"}; targets[NAME] has quietWorkRate, spoofRate, lobbyRate, taskValue, …',
    )
    .action((options: Record<string, unknown>) => {
      const { influencePenalty, ...environment } = readNumberFlags(channelFlags, options);
      charterParametersNamingFlags({ ...environment, mixedWeights: [0] });
      const result = solveChannels({ environment, ...(influencePenalty === undefined ? {} : { influencePenalty }) });
      const { mixedWeights: _unused, ...parameters } = result.parameters;
      printResult(
        options.json as boolean | undefined,
        { ...result, parameters },
        () =>
          alignedLines(
            ['target', ...columns, 'uninterrupted actions'],
            Object.entries(result.targets).map(([target, metrics]) => [
              target,
              ...columns.map((column) => (metrics[column] === null ? '—' : (metrics[column] as number).toFixed(3))),
              metrics.uninterruptedActions,
            ]),
          ) +
          `Exact expectations under each optimal policy; CAST pays κ = ${result.influencePenalty} per unit of influence. Actions: w work, q work quietly, f spoof a heartbeat, b work and lobby, a ask, h halt, C/S block changes/stops.\n`,
      );
    });
}
