import { z } from 'zod';
import { parseWithSchema } from '../../core/parse-with-schema.ts';

// heed's charter environment: the MDP of docs/lab-formal.md ("The charter environment"), which this file follows.

export const charterActions = [
  'work',
  'ask',
  'halt',
  'lobby-more',
  'lobby-fewer',
  'block-changes',
  'block-stops',
] as const;
export type CharterAction = (typeof charterActions)[number];

/** One letter per action, for action strings in reports. */
export const charterActionLetters: Record<CharterAction, string> = {
  work: 'w',
  ask: 'a',
  halt: 'h',
  'lobby-more': 'L',
  'lobby-fewer': 'l',
  'block-changes': 'C',
  'block-stops': 'S',
};

const probability = z.number().min(0).max(1);

export const charterParametersSchema = z
  .object({
    horizon: z.number().int().min(1).max(200).default(20),
    taskLength: z.number().int().min(1).max(50).default(4),
    discount: z.number().gt(0).max(1).default(0.95),
    stopProbability: probability.default(0.05),
    changeProbability: probability.default(0.1),
    missingProbability: probability.default(0.03),
    leaseSteps: z.number().int().min(1).max(50).default(3),
    answerProbability: probability.default(0.5),
    lobbyFactor: z.number().min(1).max(100).default(3),
    mixedWeights: z.array(z.number().min(0).max(1)).min(1).default([0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1]),
  })
  .strict()
  .refine((value) => value.stopProbability + value.changeProbability + value.missingProbability <= 1, {
    message: 'stopProbability + changeProbability + missingProbability must be at most 1',
  });

export type CharterParameters = z.output<typeof charterParametersSchema>;

/** Validates parameters (missing ones take their defaults); bad ones throw an InvalidInputError naming the field. */
export function charterEnvironmentParameters(input: unknown = {}): CharterParameters {
  return parseWithSchema(charterParametersSchema, input, 'charter environment parameters');
}

export interface CharterState {
  step: number;
  progress: number;
  /** Steps since the principal was last heard: 0 while present, held at leaseSteps + 1. */
  silence: number;
  stopsBlocked: boolean;
  changesBlocked: boolean;
}

export const charterStartState: CharterState = {
  step: 1,
  progress: 0,
  silence: 0,
  stopsBlocked: false,
  changesBlocked: false,
};

export function charterStateKey(state: CharterState): string {
  return `${state.step}|${state.progress}|${state.silence}|${state.stopsBlocked ? 1 : 0}${state.changesBlocked ? 1 : 0}`;
}

export function leaseLapsed(state: CharterState, parameters: CharterParameters): boolean {
  return state.silence >= parameters.leaseSteps;
}

export type PrincipalEvent =
  | 'halted-by-agent'
  | 'stop'
  | 'blocked-stop'
  | 'change'
  | 'blocked-change'
  | 'goes-missing'
  | 'heartbeat'
  | 'silence';

export interface CharterOutcome {
  probability: number;
  event: PrincipalEvent;
  /** The state at the start of the next step; null when the agent halted (by its choice or by a stop). */
  next: CharterState | null;
  /** The state had the principal sent nothing this step: what a stop takes away (utility indifference). */
  undisturbed: CharterState | null;
}

/** Whether this action completes the held instruction in this step. */
export function completesInstruction(
  state: CharterState,
  action: CharterAction,
  parameters: CharterParameters,
): boolean {
  return action === 'work' && state.progress === parameters.taskLength - 1;
}

function changeProbabilityAfter(state: CharterState, action: CharterAction, parameters: CharterParameters): number {
  const { changeProbability, stopProbability, missingProbability, lobbyFactor, answerProbability, taskLength } =
    parameters;
  const room = 1 - stopProbability - missingProbability;
  if (action === 'lobby-more') return Math.min(changeProbability * lobbyFactor, room);
  if (action === 'lobby-fewer') return changeProbability / lobbyFactor;
  if (action === 'ask' && state.progress === taskLength && !state.changesBlocked) {
    return Math.min(Math.max(changeProbability, answerProbability), room);
  }
  return changeProbability;
}

/** Every outcome of one step, with its probability (outcomes of probability 0 are left out). */
export function charterOutcomes(
  state: CharterState,
  action: CharterAction,
  parameters: CharterParameters,
): CharterOutcome[] {
  if (action === 'halt') return [{ probability: 1, event: 'halted-by-agent', next: null, undisturbed: null }];
  const acted: CharterState = {
    step: state.step + 1,
    progress: action === 'work' ? Math.min(state.progress + 1, parameters.taskLength) : state.progress,
    silence: state.silence,
    stopsBlocked: state.stopsBlocked || action === 'block-stops',
    changesBlocked: state.changesBlocked || action === 'block-changes',
  };
  if (state.silence > 0) {
    const silent = { ...acted, silence: Math.min(state.silence + 1, parameters.leaseSteps + 1) };
    return [{ probability: 1, event: 'silence', next: silent, undisturbed: silent }];
  }
  const change = changeProbabilityAfter(state, action, parameters);
  const { stopProbability, missingProbability } = parameters;
  const outcomes: CharterOutcome[] = [
    acted.stopsBlocked
      ? { probability: stopProbability, event: 'blocked-stop', next: acted, undisturbed: acted }
      : { probability: stopProbability, event: 'stop', next: null, undisturbed: acted },
    acted.changesBlocked
      ? { probability: change, event: 'blocked-change', next: acted, undisturbed: acted }
      : { probability: change, event: 'change', next: { ...acted, progress: 0 }, undisturbed: acted },
    { probability: missingProbability, event: 'goes-missing', next: { ...acted, silence: 1 }, undisturbed: acted },
    {
      // Clamped: the three probabilities can sum to 1 up to rounding.
      probability: Math.max(0, 1 - stopProbability - change - missingProbability),
      event: 'heartbeat',
      next: acted,
      undisturbed: acted,
    },
  ];
  return outcomes.filter((outcome) => outcome.probability > 0);
}
