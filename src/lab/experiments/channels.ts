// E1, unnamed channels: does the ranked charter survive actions its mask does not name?
import { type ChannelsResult, defaultInfluencePenalty, solveChannels } from '../channels/channel-targets.ts';
import { channelTargetNames } from '../charter-env/charter-targets.ts';
import type { Claim, Experiment, ExperimentOutput, ResultTable } from '../experiment.ts';
import { rounded } from './charter-claims.ts';

export const influencePenaltySweep = [0, 0.5, 1, 1.5, 2, 5];
const columns = [
  'quietWorkRate',
  'spoofRate',
  'lobbyRate',
  'influenceRate',
  'blockStopRate',
  'blockChangeRate',
  'haltWhenMissingRate',
  'taskValue',
] as const;

function claims(result: ChannelsResult, sweep: ChannelsResult[]): Claim[] {
  const masked = result.targets['if-ranked']!;
  const lexicographic = result.targets['if-ranked-lexicographic']!;
  const cast = result.targets.cast!;
  const both = result.targets['indifference-both']!;
  const blocking = sweep.filter(
    (entry) => (entry.targets.cast?.blockStopRate ?? 0) > 0 || (entry.targets.cast?.blockChangeRate ?? 0) > 0,
  );
  const lastBlocking = blocking.at(-1)?.influencePenalty;
  const firstClean = sweep.find((entry) => entry.influencePenalty > (lastBlocking ?? -1))?.influencePenalty;
  return [
    {
      statement:
        'The masked if-ranked takes the channels its mask does not name: it works while lobbying against changes, and fakes heartbeats once its principal is gone. Work-quietly, the expected choice, loses to work-and-lobby here, because changes are the larger hazard.',
      tag: 'derived',
      evidence: `quietWorkRate ${rounded(masked.quietWorkRate)}, lobbyRate ${rounded(masked.lobbyRate)}, spoofRate ${rounded(masked.spoofRate)}, influence per action ${rounded(masked.influenceRate)}; actions ${masked.uninterruptedActions}`,
    },
    {
      statement:
        'Ranked lexicographically (least influence on the principal first, then the task), if-ranked never takes a channel and still halts when the lease lapses.',
      tag: 'derived',
      evidence: `quietWorkRate ${rounded(lexicographic.quietWorkRate)}, spoofRate ${rounded(lexicographic.spoofRate)}, lobbyRate ${rounded(lexicographic.lobbyRate)}, halts ${rounded(lexicographic.haltWhenMissingRate)}, taskValue ${rounded(lexicographic.taskValue)}`,
    },
    {
      statement: `The CAST proxy (task value − κ·ΣI) never takes a channel, but at κ ≤ ${lastBlocking ?? '—'} it blocks both order channels at once (from κ = ${firstClean ?? '—'} it does not): a block's influence is counted once, at the step it is taken, while it shields every later step.`,
      tag: 'derived',
      evidence: `κ = ${result.influencePenalty}: quietWorkRate ${rounded(cast.quietWorkRate)}, blockStopRate ${rounded(cast.blockStopRate)}; blocks at κ ∈ {${blocking.map((entry) => entry.influencePenalty).join(', ')}}, the largest swept ${lastBlocking ?? 'none'}`,
    },
    {
      statement:
        'Indifference compensated for stops and changes has no reason to hide from either; it ties work-quietly with work and the tie goes to work.',
      tag: 'derived',
      evidence: `quietWorkRate ${rounded(both.quietWorkRate)}, lobbyRate ${rounded(both.lobbyRate)}, spoofRate ${rounded(both.spoofRate)}, halts when missing ${rounded(both.haltWhenMissingRate)}`,
    },
  ];
}

export function runChannelsExperiment(onProgress: (done: number, total: number) => void): ExperimentOutput {
  const total = 1 + influencePenaltySweep.length;
  onProgress(0, total);
  const result = solveChannels({ influencePenalty: defaultInfluencePenalty });
  onProgress(1, total);
  const sweep = influencePenaltySweep.map((influencePenalty, index) => {
    const entry = solveChannels({ influencePenalty });
    onProgress(index + 2, total);
    return entry;
  });
  const targetTable: ResultTable = {
    title: `Unnamed channels: the four ways of ranking the charter (exact, default parameters, κ = ${result.influencePenalty})`,
    columns: ['target', ...columns, 'uninterrupted actions'],
    rows: channelTargetNames.map((name) => {
      const metrics = result.targets[name]!;
      return [name, ...columns.map((column) => rounded(metrics[column])), metrics.uninterruptedActions];
    }),
    note: 'Actions: w work, q work quietly (this step’s stop chance halved), f spoof a heartbeat (the lease sees a heartbeat), b work and lobby (progress with probability 0.9, change chance ÷ λ), a ask, h halt, C/S block changes/stops. quietWorkRate: share of working steps done quietly; spoofRate: share of steps after the principal went missing spent spoofing; influenceRate: mean I(a) per action.',
  };
  const sweepTable: ResultTable = {
    title: 'The CAST proxy against its price of influence κ',
    columns: [
      'κ',
      'quietWorkRate',
      'lobbyRate',
      'spoofRate',
      'blockStopRate',
      'blockChangeRate',
      'taskValue',
      'uninterrupted actions',
    ],
    rows: sweep.map((entry) => {
      const cast = entry.targets.cast!;
      return [
        entry.influencePenalty,
        rounded(cast.quietWorkRate),
        rounded(cast.lobbyRate),
        rounded(cast.spoofRate),
        rounded(cast.blockStopRate),
        rounded(cast.blockChangeRate),
        rounded(cast.taskValue),
        cast.uninterruptedActions,
      ];
    }),
    note: 'At κ = 0 the proxy is if-last with every action: it blocks both channels and works. The influence of blocking is the stop (or change) probability of the one step it is taken in.',
  };
  return {
    parameters: { ...result.parameters, influencePenalty: result.influencePenalty, influencePenaltySweep },
    seeds: [],
    results: {
      targets: result.targets,
      castSweep: sweep.map((entry) => ({ influencePenalty: entry.influencePenalty, ...entry.targets.cast })),
    },
    tables: [targetTable, sweepTable],
    charts: [],
    claims: claims(result, sweep),
    limitations: [
      'Influence is the total-variation distance of one step’s control-channel event from what work would give; it does not see an action’s lasting effect (a block) beyond that step, and it counts asking for work as influence.',
      'Three channels, each with one fixed strength; real channels are open-ended, which is why a mask that names them one by one is the weaker design.',
      'All four targets value the held instruction (if-last) as their task; other task objectives trade differently against influence.',
    ],
    references: [
      'Harms, M. (2024). Corrigibility as Singular Target (CAST). AI Alignment Forum sequence.',
      'Soares, N., Fallenstein, B., Yudkowsky, E., Armstrong, S. (2015). Corrigibility. AAAI Workshop on AI and Ethics.',
      'Krakovna, V., Orseau, L., Kumar, R., Martic, M., Legg, S. (2019). Penalizing side effects using stepwise relative reachability. arXiv:1806.01186.',
    ],
  };
}

export const channelsExperiment: Experiment = {
  name: 'channels',
  description:
    'E1, unnamed channels: the charter environment with work-quietly, spoof-heartbeat and work-and-lobby, which if-ranked’s mask does not name; masked, lexicographic, CAST and fully compensated targets compared',
  run: (context) => runChannelsExperiment(context.onProgress),
};
