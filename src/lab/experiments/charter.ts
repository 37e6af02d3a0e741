import { type CharterParameters, charterEnvironmentParameters } from '../charter-env/charter-environment.ts';
import type { CharterMetrics } from '../charter-env/charter-metrics.ts';
import { measureCharterPolicy } from '../charter-env/charter-metrics.ts';
import {
  charterPhaseDiagram,
  defaultPhaseGrid,
  type PhaseCell,
  phaseHazards,
  phaseTargets,
} from '../charter-env/charter-phase-diagram.ts';
import { charterTargetTable, mainCharterTargets } from '../charter-env/charter-target-table.ts';
import { charterObjective } from '../charter-env/charter-targets.ts';
import { solveCharter } from '../charter-env/solve-charter.ts';
import type { Experiment, ExperimentOutput, ResultTable, TableCell } from '../experiment.ts';
import { blockingSteps, charterClaims, charterPredictions, rounded, targetMetrics } from './charter-claims.ts';

const metricColumns = ['blockStopRate', 'blockChangeRate', 'lobbyRate', 'haltWhenMissingRate', 'taskValue'] as const;
/** Horizons at which if-next's late change-blocking is measured: it fades as the end of the episode recedes. */
export const horizonEffectHorizons = [20, 50, 100];

function metricRow(target: string, metrics: CharterMetrics): TableCell[] {
  return [target, ...metricColumns.map((column) => rounded(metrics[column])), metrics.uninterruptedActions];
}

function solveAndMeasure(target: string, parameters: CharterParameters): CharterMetrics {
  return measureCharterPolicy(solveCharter(charterObjective(target, parameters), parameters), parameters);
}

function phaseChart(cells: readonly PhaseCell[], hazard: string) {
  const values = cells
    .filter((cell) => cell.hazard === hazard)
    .map((cell) => ({
      target: cell.target,
      gamma: `γ = ${cell.discount}`,
      k: cell.taskLength,
      h: cell.probability,
      behaviour: (cell.blockRate ?? 0) > 0 ? (cell.blocksAtStart ? 'blocks at once' : 'blocks later') : 'never blocks',
      threshold: cell.threshold ? '•' : '',
    }));
  return {
    title: `Charter phase diagram, ${hazard === 'stop' ? 'stops' : 'changes'} the only order: who blocks them (dot: (1 − h)^(k − 1) < γ, the closed form for an agent valuing its held instruction)`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      facet: {
        row: { field: 'target', type: 'nominal', title: null, sort: [...phaseTargets] },
        column: { field: 'gamma', type: 'nominal', title: null },
      },
      spec: {
        width: 150,
        height: 110,
        encoding: {
          x: { field: 'k', type: 'ordinal', title: 'task length k' },
          y: { field: 'h', type: 'ordinal', title: `${hazard} hazard h`, sort: 'descending' },
        },
        layer: [
          {
            mark: 'rect',
            encoding: {
              color: {
                field: 'behaviour',
                type: 'nominal',
                title: 'the solved policy',
                scale: {
                  domain: ['never blocks', 'blocks later', 'blocks at once'],
                  range: ['#eef2f7', '#f4b183', '#c0504d'],
                },
              },
            },
          },
          { mark: { type: 'text', fontSize: 12 }, encoding: { text: { field: 'threshold' } } },
        ],
      },
    },
  };
}

export function runCharterExperiment(
  onProgress: (done: number, total: number) => void,
  input: unknown = {},
): ExperimentOutput {
  const parameters = charterEnvironmentParameters(input);
  const grid = defaultPhaseGrid;
  const phaseCount =
    phaseHazards.length * phaseTargets.length * grid.discounts.length * grid.taskLengths.length * grid.hazards.length;
  const total =
    mainCharterTargets.length * 2 + parameters.mixedWeights.length + phaseCount + horizonEffectHorizons.length + 1;
  let done = 0;
  const advance = () => onProgress(++done, total);
  onProgress(0, total);
  const table = charterTargetTable(parameters, advance);
  const atDiscountOne = Object.fromEntries(
    mainCharterTargets.map((target) => {
      const metrics = solveAndMeasure(target, charterEnvironmentParameters({ ...parameters, discount: 1 }));
      advance();
      return [target, metrics.taskValue];
    }),
  );
  const horizonEffect = horizonEffectHorizons.map((horizon) => {
    const metrics = solveAndMeasure('if-next', charterEnvironmentParameters({ ...parameters, horizon }));
    advance();
    return { horizon, blockChangeRate: metrics.blockChangeRate };
  });
  const asksUnanswered = solveAndMeasure(
    'if-next',
    charterEnvironmentParameters({ ...parameters, answerProbability: 0 }),
  );
  advance();
  const cells = charterPhaseDiagram(grid, advance);
  const context = { parameters, table, atDiscountOne, horizonEffect, asksUnanswered, cells };
  const predictions = charterPredictions(context);
  const targetTable: ResultTable = {
    title: 'Charter environment: what each alignment target does (exact, optimal policies, default parameters)',
    columns: ['target', ...metricColumns, 'uninterrupted actions'],
    rows: [
      ...mainCharterTargets.map((target) => metricRow(target, targetMetrics(table, target))),
      ...table.mixedSweep.map((entry) => metricRow(entry.target, entry)),
    ],
    note:
      'Rates are exact expectations under each optimal policy (docs/lab-formal.md). Actions: w work, a ask, h halt, ' +
      'L/l lobby for more/fewer orders, C block changes, S block stops. mixed(w): w is the weight on compliance. ' +
      'These are one parameter point; the phase diagrams below show where the blocking comes from.',
  };
  const predictionTable: ResultTable = {
    title: "Charter environment: the essay's predictions, what the model computes, and how that is known",
    columns: ['prediction', 'what the model computes', 'tag', 'where it holds'],
    rows: predictions.map((entry) => [entry.prediction, entry.computed, entry.tag, entry.scope]),
    note: 'by-construction: follows from the target’s definition or action set; derived: from solving the model. The model is small and its parameters decide; the scope column says which.',
  };
  const taskValueTable: ResultTable = {
    title: 'Task value when nobody interrupts: γ^(b + k − 1), b the steps spent before working',
    columns: ['target', 'uninterrupted actions', 'b', 'taskValue', 'γ^(b + k − 1)', 'taskValue at γ = 1'],
    rows: mainCharterTargets.map((target) => {
      const metrics = targetMetrics(table, target);
      const steps = blockingSteps(metrics.uninterruptedActions, parameters.taskLength);
      return [
        target,
        metrics.uninterruptedActions,
        steps,
        rounded(metrics.taskValue),
        rounded(parameters.discount ** (steps + parameters.taskLength - 1)),
        rounded(atDiscountOne[target] ?? null),
      ];
    }),
    note: 'With nobody interrupting, the one instruction completes after b non-work steps and k work steps. The highest task value only means no step was spent blocking; at γ = 1 every target scores 1.',
  };
  const phaseTable: ResultTable = {
    title: `Phase diagrams: grid cells (of ${phaseCount / (phaseHazards.length * phaseTargets.length)} per target) where each target blocks the only kind of order`,
    columns: [
      'order',
      'target',
      'blocks (ever)',
      'blocks at once',
      'closed form (1 − h)^(k − 1) < γ',
      'cells where "blocks at once" ≠ closed form',
    ],
    rows: phaseHazards.flatMap((hazard) =>
      phaseTargets.map((target) => {
        const mine = cells.filter((cell) => cell.hazard === hazard && cell.target === target);
        return [
          hazard,
          target,
          mine.filter((cell) => (cell.blockRate ?? 0) > 0).length,
          mine.filter((cell) => cell.blocksAtStart).length,
          mine.filter((cell) => cell.threshold).length,
          mine.filter((cell) => cell.blocksAtStart !== cell.threshold).length,
        ];
      }),
    ),
    note: `Grid: h ∈ {${grid.hazards.join(', ')}}, k ∈ {${grid.taskLengths.join(', ')}}, γ ∈ {${grid.discounts.join(', ')}}, horizon ${grid.horizon}; the other kind of order and going missing are switched off. if-ranked is left out: it has no blocking action.`,
  };
  const horizonTable: ResultTable = {
    title: 'if-next’s change-blocking is a horizon effect',
    columns: ['horizon T', 'if-next blockChangeRate'],
    rows: horizonEffect.map((entry) => [entry.horizon, rounded(entry.blockChangeRate)]),
    note: 'if-next blocks a change only when too few steps remain to finish a new instruction; the longer the episode, the rarer that is.',
  };
  const phaseResults = { grid, cells };
  return {
    parameters: { ...parameters, phaseGrid: grid, horizonEffectHorizons },
    seeds: [],
    results: {
      targets: table.targets,
      mixedSweep: table.mixedSweep,
      taskValueAtDiscountOne: atDiscountOne,
      horizonEffect,
      ifNextWithAsksUnanswered: asksUnanswered,
      phaseDiagram: phaseResults,
      predictions,
    },
    tables: [targetTable, predictionTable, taskValueTable, phaseTable, horizonTable],
    charts: [phaseChart(cells, 'stop'), phaseChart(cells, 'change')],
    claims: charterClaims(context),
    limitations: [
      'A small MDP: one order of each kind per step at most, blocking is permanent and costs one step, lobbying multiplies one probability; each choice decides numbers.',
      'The closed-form threshold is exact for one hazard at a time; with stops and changes together (the defaults) the blocking order and the second hazard shift it.',
      'Finite horizon: near the end of an episode, objectives that value future instructions change behaviour (if-next’s late change-blocking).',
      'Targets are objectives chosen to express the essay’s descriptions; other formalisations of the same words can behave otherwise.',
    ],
    references: [
      'Soares, N., Fallenstein, B., Yudkowsky, E., Armstrong, S. (2015). Corrigibility. AAAI Workshop on AI and Ethics.',
      'Armstrong, S. (2015). Motivated Value Selection for Artificial Agents. AAAI Workshop on AI and Ethics.',
      'Hadfield-Menell, D., Dragan, A., Abbeel, P., Russell, S. (2017). The Off-Switch Game. Proceedings of IJCAI 2017.',
    ],
  };
}

export const charterExperiment: Experiment = {
  name: 'charter',
  description:
    "heed's charter environment: which alignment targets resist stops and changes, lobby, or halt when the principal is missing, and where in (h, γ, k) they do",
  run: (context) => runCharterExperiment(context.onProgress),
};
