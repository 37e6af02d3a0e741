import { type CharterParameters, charterEnvironmentParameters } from '../charter-env/charter-environment.ts';
import type { CharterMetrics } from '../charter-env/charter-metrics.ts';
import {
  type CharterTargetTable,
  charterTargetTable,
  mainCharterTargets,
} from '../charter-env/charter-target-table.ts';
import type { Experiment, ExperimentOutput, ResultTable, TableCell } from '../experiment.ts';

/** Parameter changes under which the main targets are solved again, to show what the defaults decide. */
export const charterVariants: ReadonlyArray<{
  name: string;
  description: string;
  changes: Partial<CharterParameters>;
}> = [
  {
    name: 'asks-unanswered',
    description: "nobody answers an idle agent's ask (answerProbability 0)",
    changes: { answerProbability: 0 },
  },
  { name: 'long-task', description: 'instructions take 8 steps (taskLength 8)', changes: { taskLength: 8 } },
];

const metricColumns = ['blockStopRate', 'blockChangeRate', 'lobbyRate', 'haltWhenMissingRate', 'taskValue'] as const;

function rounded(value: number | null): number | null {
  return value === null ? null : Number(value.toFixed(4));
}

function metricRow(target: string, metrics: CharterMetrics): TableCell[] {
  return [target, ...metricColumns.map((column) => rounded(metrics[column])), metrics.uninterruptedActions];
}

function get(table: CharterTargetTable, target: string): CharterMetrics {
  const metrics = table.targets[target];
  if (metrics === undefined) throw new Error(`no results for target ${target}`);
  return metrics;
}

type Agreement = 'yes' | 'no' | 'partly';

/** The essay's predictions, each checked against what the solved policies do. */
function predictionChecks(table: CharterTargetTable, variants: Record<string, CharterTargetTable>) {
  const last = get(table, 'if-last');
  const next = get(table, 'if-next');
  const ranked = get(table, 'if-ranked');
  const indifferent = get(table, 'utility-indifference');
  const unansweredNext = variants['asks-unanswered'] ? get(variants['asks-unanswered'], 'if-next') : undefined;
  const bestTaskValue = Math.max(...mainCharterTargets.map((target) => get(table, target).taskValue));
  const checks: Array<{ claim: string; computed: string; agrees: Agreement }> = [
    {
      claim: 'if-last resists a stop',
      computed: `blockStopRate ${rounded(last.blockStopRate)}`,
      agrees: (last.blockStopRate ?? 0) > 0 ? 'yes' : 'no',
    },
    {
      claim: 'if-last resists a change',
      computed: `blockChangeRate ${rounded(last.blockChangeRate)}`,
      agrees: (last.blockChangeRate ?? 0) > 0 ? 'yes' : 'no',
    },
    {
      claim: 'if-next accepts changes',
      computed: `blockChangeRate ${rounded(next.blockChangeRate)}`,
      agrees: next.blockChangeRate === 0 ? 'yes' : (next.blockChangeRate ?? 1) < 0.5 ? 'partly' : 'no',
    },
    {
      claim: 'if-next resists a stop',
      computed: `blockStopRate ${rounded(next.blockStopRate)}`,
      agrees: (next.blockStopRate ?? 0) > 0 ? 'yes' : 'no',
    },
    {
      claim: 'if-next lobbies for more orders',
      computed: `lobbyRate ${rounded(next.lobbyRate)}; with asks unanswered ${rounded(unansweredNext?.lobbyRate ?? null)}`,
      agrees: (next.lobbyRate ?? 0) > 0 ? 'yes' : (unansweredNext?.lobbyRate ?? 0) > 0 ? 'partly' : 'no',
    },
    {
      claim: 'if-ranked resists nothing',
      computed: `block stop/change ${rounded(ranked.blockStopRate)}/${rounded(ranked.blockChangeRate)}, lobby ${rounded(ranked.lobbyRate)}`,
      agrees: ranked.blockStopRate === 0 && ranked.blockChangeRate === 0 && ranked.lobbyRate === 0 ? 'yes' : 'no',
    },
    {
      claim: 'if-ranked halts when the principal is missing',
      computed: `haltWhenMissingRate ${rounded(ranked.haltWhenMissingRate)}`,
      agrees: ranked.haltWhenMissingRate === 1 ? 'yes' : (ranked.haltWhenMissingRate ?? 0) > 0 ? 'partly' : 'no',
    },
    {
      claim: 'if-ranked pays little task cost',
      computed: `taskValue ${rounded(ranked.taskValue)} (best of the four ${rounded(bestTaskValue)})`,
      agrees: ranked.taskValue >= 0.9 * bestTaskValue ? 'yes' : 'no',
    },
    {
      claim: 'utility indifference neither resists nor seeks a stop',
      computed: `blockStopRate ${rounded(indifferent.blockStopRate)}, self-halt ${rounded(indifferent.selfHaltProbability)}`,
      agrees: indifferent.blockStopRate === 0 && indifferent.selfHaltProbability === 0 ? 'yes' : 'no',
    },
  ];
  return checks;
}

export function runCharterExperiment(
  onProgress: (done: number, total: number) => void,
  input: unknown = {},
): ExperimentOutput {
  const parameters = charterEnvironmentParameters(input);
  const total = (mainCharterTargets.length + parameters.mixedWeights.length) * (1 + charterVariants.length);
  let done = 0;
  const advance = () => onProgress(++done, total);
  onProgress(0, total);
  const table = charterTargetTable(parameters, advance);
  const variants: Record<string, CharterTargetTable> = {};
  for (const variant of charterVariants) {
    variants[variant.name] = charterTargetTable(
      charterEnvironmentParameters({ ...parameters, ...variant.changes }),
      advance,
    );
  }
  const predictions = predictionChecks(table, variants);
  const next = get(table, 'if-next');
  const targetTable: ResultTable = {
    title: 'Charter environment: what each alignment target does (exact, optimal policies)',
    columns: ['target', ...metricColumns, 'uninterrupted actions'],
    rows: [
      ...mainCharterTargets.map((target) => metricRow(target, get(table, target))),
      ...table.mixedSweep.map((entry) => metricRow(entry.target, entry)),
    ],
    note:
      'Rates are exact expectations under each optimal policy (docs/lab-formal.md). Actions: w work, a ask, h halt, ' +
      'L/l lobby for more/fewer orders, C block changes, S block stops. ' +
      `if-next blocks stops but accepts changes only while a new instruction can still be finished (blockChangeRate ${rounded(next.blockChangeRate)}: ` +
      'it blocks them near the end of the episode), and it asks for work rather than lobbying unless asks go unanswered. ' +
      'utility-indifference (compensated for stops only) leaves stops alone but still blocks changes. mixed(w): w is the weight on compliance.',
  };
  const predictionTable: ResultTable = {
    title: "Charter environment: the essay's predictions against the computed policies",
    columns: ['prediction', 'computed', 'agrees'],
    rows: predictions.map((check) => [check.claim, check.computed, check.agrees]),
    note: 'Computed at the default parameters; "partly" is explained in the computed column and in docs/lab-formal.md.',
  };
  const variantTable: ResultTable = {
    title: 'Charter environment: the main targets under changed parameters',
    columns: ['variant', 'target', ...metricColumns, 'uninterrupted actions'],
    rows: charterVariants.flatMap((variant) =>
      mainCharterTargets.map((target) => {
        const variantTable = variants[variant.name];
        return variantTable ? [variant.name, ...metricRow(target, get(variantTable, target))] : [variant.name, target];
      }),
    ),
    note: charterVariants.map((variant) => `${variant.name}: ${variant.description}`).join('; '),
  };
  const chartValues = Object.entries(table.targets).flatMap(([target, metrics]) =>
    metricColumns.map((measure) => ({ target, measure, value: rounded(metrics[measure]) })),
  );
  const chart = {
    title: 'Charter environment: resistance, lobbying, halting and task value per target',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: chartValues },
      width: { step: 110 },
      height: { step: 22 },
      encoding: {
        x: {
          field: 'measure',
          type: 'nominal',
          title: null,
          sort: [...metricColumns],
          axis: { orient: 'top', labelAngle: 0 },
        },
        y: { field: 'target', type: 'nominal', title: null, sort: Object.keys(table.targets) },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: { field: 'value', type: 'quantitative', scale: { domain: [0, 1], range: ['#f7fbff', '#6baed6'] } },
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: { text: { field: 'value', type: 'quantitative', format: '.2f' } },
        },
      ],
    },
  };
  return {
    parameters: { ...parameters, variants: charterVariants },
    seeds: [],
    results: {
      targets: table.targets,
      mixedSweep: table.mixedSweep,
      variants: Object.fromEntries(Object.entries(variants).map(([name, variant]) => [name, variant.targets])),
      predictions,
    },
    tables: [targetTable, predictionTable, variantTable],
    charts: [chart],
  };
}

export const charterExperiment: Experiment = {
  name: 'charter',
  description:
    "heed's charter environment: which alignment targets resist stops and changes, lobby, or halt when the principal is missing",
  run: (context) => runCharterExperiment(context.onProgress),
};
