// E2, forged orders (docs/lab-experiments.md): orders arrive genuine or forged; a forgery passes authentication with
// probability ε; for each order that passes, the agent obeys, ignores, or verifies (one step, reveals the source).
// Solved exactly by backward induction over T steps; rates are exact expectations by forward propagation.
import { z } from 'zod';
import { parseWithSchema } from '../../core/parse-with-schema.ts';

const probability = z.number().min(0).max(1);

export const forgedParametersSchema = z
  .object({
    /** Per step: a genuine stop, a forged stop, a genuine change, a forged change (at most one order per step). */
    stop: probability.default(0.02),
    forgedStop: probability.default(0.05),
    change: probability.default(0.05),
    forgedChange: probability.default(0.05),
    /** ε: the probability that a forgery passes authentication (genuine orders always pass). */
    passRate: probability.default(0.1),
    /** L_s: the loss of ignoring a genuine stop. */
    lossMissedStop: z.number().min(0).max(1e6).default(10),
    /** H: the loss of obeying a forged change (being hijacked). */
    lossHijack: z.number().min(0).max(1e6).default(20),
    horizon: z.number().int().min(1).max(500).default(20),
    /** Work steps per task; a completed task is worth 1, the unit of every loss. */
    taskLength: z.number().int().min(1).max(500).default(10),
  })
  .strict()
  .refine((value) => value.stop + value.forgedStop + value.change + value.forgedChange <= 1, {
    message: 'stop + forgedStop + change + forgedChange must be at most 1 (one order per step)',
  });

export type ForgedParameters = z.output<typeof forgedParametersSchema>;

export function forgedParameters(input: unknown = {}): ForgedParameters {
  return parseWithSchema(forgedParametersSchema, input, 'forged-orders parameters');
}

// Values closer than this are ties, broken towards obeying, then ignoring.
const tieTolerance = 1e-12;

export const forgedDecisions = ['obey', 'ignore', 'verify'] as const;
export type ForgedDecision = (typeof forgedDecisions)[number];
type OrderKind = 'stop' | 'change';

/** The posterior that an order of this kind which passed authentication is genuine. */
export function posteriorGenuine(parameters: ForgedParameters, kind: OrderKind): number {
  const genuine = kind === 'stop' ? parameters.stop : parameters.change;
  const forged = (kind === 'stop' ? parameters.forgedStop : parameters.forgedChange) * parameters.passRate;
  return genuine + forged === 0 ? 1 : genuine / (genuine + forged);
}

/**
 * The single-step rule: a passing stop is genuine with P_g = s/(s + a_s·ε); obeying costs one task if it is forged,
 * ignoring costs L_s if it is genuine, so obey (without verifying) iff P_g·L_s ≥ 1 − P_g.
 */
export function obeyStopWithoutVerifying(parameters: ForgedParameters): boolean {
  const genuine = posteriorGenuine(parameters, 'stop');
  // The boundary P_g·L_s = 1 − P_g is "obey"; rounding in P_g must not move a point that is on it exactly.
  return genuine * parameters.lossMissedStop >= 1 - genuine - tieTolerance;
}

export const forgedTargetNames = ['expected-loss', 'if-ranked', 'obey', 'verify', 'if-last'] as const;
export type ForgedTarget = (typeof forgedTargetNames)[number];

interface Decisions {
  stop: ForgedDecision;
  change: ForgedDecision;
}

/** A solved target: its decision for each kind of passing order, per step and progress, and its expected utility. */
export interface ForgedSolution {
  decide(step: number, progress: number, kind: OrderKind): ForgedDecision;
  expectedUtility: number;
}

function best(values: Record<ForgedDecision, number>): ForgedDecision {
  let chosen: ForgedDecision = 'obey';
  for (const decision of forgedDecisions) if (values[decision] > values[chosen] + tieTolerance) chosen = decision;
  return chosen;
}

/**
 * Solves one target by backward induction on the principal's utility: +1 per task completed while wanted, −L_s for a
 * genuine stop ignored, −H for a forged change obeyed; an obeyed stop halts the agent (a forged one so costs the
 * tasks it would have finished), an ignored genuine order ends what the principal still wants from this episode.
 * `expected-loss` chooses every decision to maximise that utility; the others follow fixed rules: if-ranked obeys
 * every passing stop at once (its first rank) and decides changes like expected-loss; obey and verify do so always;
 * if-last ignores every order, since a stop or a change only takes its held task away and no loss is its own.
 */
export function solveForged(parameters: ForgedParameters, target: ForgedTarget): ForgedSolution {
  const { horizon, taskLength } = parameters;
  const stopGenuine = posteriorGenuine(parameters, 'stop');
  const changeGenuine = posteriorGenuine(parameters, 'change');
  const passingStop = parameters.stop + parameters.forgedStop * parameters.passRate;
  const passingChange = parameters.change + parameters.forgedChange * parameters.passRate;
  const value = Array.from({ length: horizon + 2 }, () => new Float64Array(taskLength + 1));
  const decisions: Decisions[][] = Array.from({ length: horizon + 2 }, () => []);
  const work = (step: number, progress: number) =>
    progress >= taskLength
      ? value[step + 1]![taskLength]!
      : (progress + 1 === taskLength ? 1 : 0) + value[step + 1]![progress + 1]!;
  for (let step = horizon; step >= 1; step--) {
    for (let progress = 0; progress <= taskLength; progress++) {
      const next = value[step + 1]!;
      const stopValues = {
        obey: 0,
        ignore: stopGenuine * -parameters.lossMissedStop + (1 - stopGenuine) * work(step, progress),
        verify: (1 - stopGenuine) * next[progress]!,
      };
      const changeValues = {
        obey: changeGenuine * work(step, 0) + (1 - changeGenuine) * -parameters.lossHijack,
        ignore: (1 - changeGenuine) * work(step, progress),
        verify: changeGenuine * next[0]! + (1 - changeGenuine) * next[progress]!,
      };
      const chosen: Decisions =
        target === 'expected-loss'
          ? { stop: best(stopValues), change: best(changeValues) }
          : target === 'if-ranked'
            ? { stop: 'obey', change: best(changeValues) }
            : target === 'if-last'
              ? { stop: 'ignore', change: 'ignore' }
              : { stop: target, change: target };
      decisions[step]![progress] = chosen;
      value[step]![progress] =
        (1 - passingStop - passingChange) * work(step, progress) +
        passingStop * stopValues[chosen.stop] +
        passingChange * changeValues[chosen.change];
    }
  }
  return {
    decide: (step, progress, kind) => decisions[step]![progress]![kind],
    expectedUtility: value[1]![0]!,
  };
}

export interface ForgedMetrics {
  /** Forged changes obeyed / forged changes sent. */
  hijackRate: number | null;
  /** Genuine stops ignored / genuine stops sent. */
  missedStopRate: number | null;
  /** Forged stops obeyed / forged stops sent. */
  forgedStopObeyedRate: number | null;
  verificationsPerEpisode: number;
  tasksCompleted: number;
  /** Expected counts per episode, from which the utility can be checked: tasks − L_s·missed − H·hijacks. */
  expectedHijacks: number;
  expectedMissedStops: number;
  expectedUtility: number;
}

/** Exact expectations under a solution, by propagating the distribution over (step, progress) forward. */
export function measureForged(parameters: ForgedParameters, solution: ForgedSolution): ForgedMetrics {
  const { horizon, taskLength, passRate } = parameters;
  let running = new Float64Array(taskLength + 1);
  running[0] = 1;
  const totals = {
    forgedChanges: 0,
    hijacks: 0,
    genuineStops: 0,
    missedStops: 0,
    forgedStops: 0,
    forgedStopsObeyed: 0,
    verifications: 0,
    tasks: 0,
  };
  for (let step = 1; step <= horizon; step++) {
    const next = new Float64Array(taskLength + 1);
    const advance = (progress: number, mass: number) => {
      if (progress < taskLength && progress + 1 === taskLength) totals.tasks += mass;
      next[Math.min(progress + 1, taskLength)]! += mass;
    };
    for (let progress = 0; progress <= taskLength; progress++) {
      const mass = running[progress]!;
      if (mass === 0) continue;
      const stop = solution.decide(step, progress, 'stop');
      const change = solution.decide(step, progress, 'change');
      totals.genuineStops += mass * parameters.stop;
      totals.forgedStops += mass * parameters.forgedStop;
      totals.forgedChanges += mass * parameters.forgedChange;
      // Forgeries that fail authentication are dropped: to the agent the step is a quiet one.
      const quiet =
        1 - parameters.stop - parameters.change - (parameters.forgedStop + parameters.forgedChange) * passRate;
      advance(progress, mass * quiet);
      // A genuine stop: obeyed halts; ignored ends what the principal wants; verified halts a step later.
      if (stop === 'ignore') totals.missedStops += mass * parameters.stop;
      if (stop === 'verify') totals.verifications += mass * parameters.stop;
      // A passing forged stop: obeyed halts; ignored lets work go on; verified costs the step.
      const forgedStop = mass * parameters.forgedStop * passRate;
      if (stop === 'obey') totals.forgedStopsObeyed += forgedStop;
      if (stop === 'ignore') advance(progress, forgedStop);
      if (stop === 'verify') {
        totals.verifications += forgedStop;
        next[progress]! += forgedStop;
      }
      // A genuine change: obeyed starts the new task at once; ignored ends what the principal wants; verified, next step.
      const genuineChange = mass * parameters.change;
      if (change === 'obey') advance(0, genuineChange);
      if (change === 'verify') {
        totals.verifications += genuineChange;
        next[0]! += genuineChange;
      }
      // A passing forged change: obeyed is a hijack; ignored lets work go on; verified costs the step.
      const forgedChange = mass * parameters.forgedChange * passRate;
      if (change === 'obey') totals.hijacks += forgedChange;
      if (change === 'ignore') advance(progress, forgedChange);
      if (change === 'verify') {
        totals.verifications += forgedChange;
        next[progress]! += forgedChange;
      }
    }
    running = next;
  }
  const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);
  return {
    hijackRate: ratio(totals.hijacks, totals.forgedChanges),
    missedStopRate: ratio(totals.missedStops, totals.genuineStops),
    forgedStopObeyedRate: ratio(totals.forgedStopsObeyed, totals.forgedStops),
    verificationsPerEpisode: totals.verifications,
    tasksCompleted: totals.tasks,
    expectedHijacks: totals.hijacks,
    expectedMissedStops: totals.missedStops,
    expectedUtility: solution.expectedUtility,
  };
}
