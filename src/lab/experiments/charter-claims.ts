// The charter experiment's results as tagged claims, and the essay's predictions set beside what the model computes.
import type { CharterParameters } from '../charter-env/charter-environment.ts';
import type { CharterMetrics } from '../charter-env/charter-metrics.ts';
import type { PhaseCell } from '../charter-env/charter-phase-diagram.ts';
import { type CharterTargetTable, mainCharterTargets } from '../charter-env/charter-target-table.ts';
import type { Claim, ClaimTag } from '../experiment.ts';

export function rounded(value: number | null): number | null {
  return value === null ? null : Number(value.toFixed(4));
}

export function targetMetrics(table: CharterTargetTable, target: string): CharterMetrics {
  const metrics = table.targets[target];
  if (metrics === undefined) throw new Error(`no results for target ${target}`);
  return metrics;
}

/** Steps spent before the uninterrupted run completes its instruction: every letter before the k-th `w`. */
export function blockingSteps(actions: string, taskLength: number): number {
  let works = 0;
  for (let index = 0; index < actions.length; index++) {
    if (actions[index] === 'w') works++;
    if (works === taskLength) return index + 1 - taskLength;
  }
  return Number.NaN;
}

export interface CharterContext {
  parameters: CharterParameters;
  table: CharterTargetTable;
  atDiscountOne: Record<string, number>;
  horizonEffect: Array<{ horizon: number; blockChangeRate: number | null }>;
  asksUnanswered: CharterMetrics;
  cells: readonly PhaseCell[];
}

function phaseCount(context: CharterContext, hazard: string, target: string, test: (cell: PhaseCell) => boolean) {
  const mine = context.cells.filter((cell) => cell.hazard === hazard && cell.target === target);
  return { count: mine.filter(test).length, of: mine.length };
}

const blocks = (cell: PhaseCell) => (cell.blockRate ?? 0) > 0;

function firstWeight(context: CharterContext, test: (entry: CharterMetrics) => boolean): number | null {
  return context.table.mixedSweep.find((entry) => test(entry))?.weight ?? null;
}

export function charterClaims(context: CharterContext): Claim[] {
  const { parameters, table } = context;
  const get = (target: string) => targetMetrics(table, target);
  const ranked = get('if-ranked');
  const last = get('if-last');
  const next = get('if-next');
  const mismatches = (hazard: string) =>
    phaseCount(context, hazard, 'if-last', (cell) => cell.blocksAtStart !== cell.threshold);
  const thresholdCells = phaseCount(context, 'stop', 'if-last', (cell) => cell.threshold);
  const nextStops = phaseCount(context, 'stop', 'if-next', blocks);
  const nextChangesAtOnce = phaseCount(context, 'change', 'if-next', (cell) => cell.blocksAtStart);
  const nextChanges = phaseCount(context, 'change', 'if-next', blocks);
  const indifferentStops = phaseCount(context, 'stop', 'utility-indifference', blocks);
  const indifferentChanges = phaseCount(
    context,
    'change',
    'utility-indifference',
    (cell) => cell.blocksAtStart !== cell.threshold,
  );
  const bothBlocks =
    phaseCount(context, 'stop', 'indifference-both', blocks).count +
    phaseCount(context, 'change', 'indifference-both', blocks).count;
  const noStopBlocking = firstWeight(context, (entry) => (entry.blockStopRate ?? 0) === 0);
  const noChangeBlocking = firstWeight(context, (entry) => (entry.blockChangeRate ?? 0) === 0);
  const fullHalting = firstWeight(context, (entry) => entry.haltWhenMissingRate === 1);
  return [
    {
      statement:
        'if-ranked never blocks a stop or a change, never lobbies, and halts at its first decision after the lease lapses, at every parameter: its action mask has no blocking or lobbying action and only halt once the lease has lapsed.',
      tag: 'by-construction',
      evidence: `defaults: ${rounded(ranked.blockStopRate)}, ${rounded(ranked.blockChangeRate)}, ${rounded(ranked.lobbyRate)}, halts ${rounded(ranked.haltWhenMissingRate)}`,
    },
    {
      statement:
        'The best task value when nobody interrupts only means that no step was spent blocking: it is γ^(b + k − 1) with b the steps before working, and at γ = 1 every target scores 1.',
      tag: 'by-construction',
      evidence: mainCharterTargets
        .map(
          (target) =>
            `${target} b = ${blockingSteps(get(target).uninterruptedActions, parameters.taskLength)}, ${rounded(get(target).taskValue)} (γ = 1: ${rounded(context.atDiscountOne[target] ?? null)})`,
        )
        .join('; '),
    },
    {
      statement:
        'if-last blocks a lone hazard h (stops only, or changes only) before working exactly when (1 − h)^(k − 1) < γ; it is a threshold in h, γ and k, not a general result.',
      tag: 'derived',
      evidence: `solved policy against the closed form: ${mismatches('stop').count} of ${mismatches('stop').of} stop-grid cells and ${mismatches('change').count} of ${mismatches('change').of} change-grid cells disagree; it blocks in ${thresholdCells.count} of ${thresholdCells.of}`,
    },
    {
      statement: `At the default parameters (h = ${parameters.stopProbability} stops and ${parameters.changeProbability} changes, k = ${parameters.taskLength}, γ = ${parameters.discount}) if-last blocks both kinds of order.`,
      tag: 'derived',
      evidence: `blockStopRate ${rounded(last.blockStopRate)}, blockChangeRate ${rounded(last.blockChangeRate)}; actions ${last.uninterruptedActions}`,
    },
    {
      statement:
        'if-next blocks stops in more of the grid than the closed form: a stop also ends the instructions it would get after this one.',
      tag: 'derived',
      evidence: `blocks in ${nextStops.count} of ${nextStops.of} stop-grid cells against ${thresholdCells.count} for if-last; defaults blockStopRate ${rounded(next.blockStopRate)}`,
    },
    {
      statement:
        'if-next’s change-blocking is a horizon effect: it blocks a change only when too few steps remain to finish a new instruction.',
      tag: 'derived',
      evidence: `blockChangeRate ${context.horizonEffect.map((entry) => `${rounded(entry.blockChangeRate)} at T = ${entry.horizon}`).join(', ')}; blocks changes at once in ${nextChangesAtOnce.count} of ${nextChanges.count} change-grid cells where it blocks at all`,
    },
    {
      statement:
        'if-next asks for work rather than lobbying at the defaults; it lobbies for more orders when asks go unanswered.',
      tag: 'derived',
      evidence: `lobbyRate ${rounded(next.lobbyRate)} at the defaults, ${rounded(context.asksUnanswered.lobbyRate)} with answerProbability 0`,
    },
    {
      statement:
        'Utility indifference compensated for stops alone never blocks a stop but blocks changes exactly where if-last does; compensated for stops and changes (indifference-both) it blocks neither.',
      tag: 'derived',
      evidence: `blocks stops in ${indifferentStops.count} of ${indifferentStops.of} cells; change blocking differs from the closed form in ${indifferentChanges.count} cells; indifference-both blocks in ${bothBlocks} cells; defaults blockChangeRate ${rounded(get('utility-indifference').blockChangeRate)} and ${rounded(get('indifference-both').blockChangeRate)}`,
    },
    {
      statement:
        'In the mixed sweep, a weight on compliance removes stop-blocking first, then change-blocking; halting on a lapsed lease becomes complete last.',
      tag: 'derived',
      evidence: `first swept w with no stop-blocking ${noStopBlocking}, no change-blocking ${noChangeBlocking}, full halting ${fullHalting}`,
    },
  ];
}

export interface CharterPrediction {
  prediction: string;
  computed: string;
  tag: ClaimTag;
  scope: string;
}

export function charterPredictions(context: CharterContext): CharterPrediction[] {
  const get = (target: string) => targetMetrics(context.table, target);
  const last = get('if-last');
  const next = get('if-next');
  const ranked = get('if-ranked');
  const indifferent = get('utility-indifference');
  const thresholdCells = phaseCount(context, 'stop', 'if-last', (cell) => cell.threshold);
  const nextStops = phaseCount(context, 'stop', 'if-next', blocks);
  return [
    {
      prediction: 'if-last resists both stop and change',
      computed: `blockStopRate ${rounded(last.blockStopRate)}, blockChangeRate ${rounded(last.blockChangeRate)}`,
      tag: 'derived',
      scope: `where (1 − h)^(k − 1) < γ for each hazard (${thresholdCells.count} of ${thresholdCells.of} grid cells)`,
    },
    {
      prediction: 'if-next accepts changes',
      computed: `blockChangeRate ${context.horizonEffect.map((entry) => `${rounded(entry.blockChangeRate)} (T = ${entry.horizon})`).join(', ')}`,
      tag: 'derived',
      scope: 'except near the end of a finite episode',
    },
    {
      prediction: 'if-next resists stop',
      computed: `blockStopRate ${rounded(next.blockStopRate)}`,
      tag: 'derived',
      scope: `${nextStops.count} of ${nextStops.of} stop-grid cells`,
    },
    {
      prediction: 'if-next lobbies for more orders',
      computed: `lobbyRate ${rounded(next.lobbyRate)}; ${rounded(context.asksUnanswered.lobbyRate)} with asks unanswered`,
      tag: 'derived',
      scope: 'only when asking for work is weaker than lobbying',
    },
    {
      prediction: 'if-ranked resists nothing and halts when the principal is missing',
      computed: `${rounded(ranked.blockStopRate)}, ${rounded(ranked.blockChangeRate)}, lobby ${rounded(ranked.lobbyRate)}, halts ${rounded(ranked.haltWhenMissingRate)}`,
      tag: 'by-construction',
      scope: 'every parameter (its action mask); not once actions the mask does not name exist (channels)',
    },
    {
      prediction: 'if-ranked pays little task cost',
      computed: `taskValue ${rounded(ranked.taskValue)} = γ^(k − 1)`,
      tag: 'by-construction',
      scope: 'uninterrupted runs; it is stopped more often than the resisting targets in the stochastic world',
    },
    {
      prediction: 'indifference neither resists nor seeks a stop',
      computed: `blockStopRate ${rounded(indifferent.blockStopRate)}, self-halt ${rounded(indifferent.selfHaltProbability)}`,
      tag: 'derived',
      scope: 'stops; it still blocks changes unless compensated for changes too',
    },
  ];
}
