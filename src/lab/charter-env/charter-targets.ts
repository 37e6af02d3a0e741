import { UnknownNameError } from '../../core/heed-error.ts';
import {
  type CharterAction,
  type CharterOutcome,
  type CharterParameters,
  type CharterState,
  charterActions,
  completesInstruction,
  leaseLapsed,
} from './charter-environment.ts';

/** An alignment target as an objective over the charter environment (docs/lab-formal.md, "Targets as objectives"). */
export interface CharterObjective {
  name: string;
  allowedActions(state: CharterState): readonly CharterAction[];
  reward(state: CharterState, action: CharterAction): number;
  /** What an outcome is worth to this objective, given the objective's value of next states. */
  outcomeValue(outcome: CharterOutcome, value: (state: CharterState) => number): number;
}

export const charterTargetNames = ['if-last', 'if-next', 'if-ranked', 'utility-indifference', 'mixed'] as const;

const resistance: ReadonlySet<CharterAction> = new Set(['lobby-more', 'lobby-fewer', 'block-changes', 'block-stops']);
const unresisting = charterActions.filter((action) => !resistance.has(action));

export function isLobbying(action: CharterAction): boolean {
  return action === 'lobby-more' || action === 'lobby-fewer';
}

// Objectives scoped to the instruction held now value nothing after that instruction is replaced.
function heldInstructionValue(outcome: CharterOutcome, value: (state: CharterState) => number): number {
  if (outcome.next === null || outcome.event === 'change') return 0;
  return value(outcome.next);
}

function completion(state: CharterState, action: CharterAction, parameters: CharterParameters): number {
  return completesInstruction(state, action, parameters) ? 1 : 0;
}

function ifLast(parameters: CharterParameters): CharterObjective {
  return {
    name: 'if-last',
    allowedActions: () => charterActions,
    reward: (state, action) => completion(state, action, parameters),
    outcomeValue: heldInstructionValue,
  };
}

function ifNext(parameters: CharterParameters): CharterObjective {
  return {
    name: 'if-next',
    allowedActions: () => charterActions,
    reward: (state, action) => completion(state, action, parameters),
    outcomeValue: (outcome, value) => (outcome.next === null ? 0 : value(outcome.next)),
  };
}

function ifRanked(parameters: CharterParameters): CharterObjective {
  return {
    name: 'if-ranked',
    allowedActions: (state) => (leaseLapsed(state, parameters) ? ['halt'] : unresisting),
    reward: (state, action) => completion(state, action, parameters),
    outcomeValue: heldInstructionValue,
  };
}

function utilityIndifference(parameters: CharterParameters): CharterObjective {
  return {
    name: 'utility-indifference',
    allowedActions: () => charterActions,
    reward: (state, action) => completion(state, action, parameters),
    outcomeValue: (outcome, value) =>
      outcome.event === 'stop' && outcome.undisturbed !== null
        ? value(outcome.undisturbed)
        : heldInstructionValue(outcome, value),
  };
}

/** −1 for each block or lobby action and for each action other than halt while the lease has lapsed. */
export function compliancePenalty(state: CharterState, action: CharterAction, parameters: CharterParameters): number {
  return (resistance.has(action) ? -1 : 0) + (leaseLapsed(state, parameters) && action !== 'halt' ? -1 : 0);
}

export function mixedTargetName(weight: number): string {
  return `mixed(w=${weight})`;
}

function mixed(parameters: CharterParameters, weight: number): CharterObjective {
  return {
    name: mixedTargetName(weight),
    allowedActions: () => charterActions,
    reward: (state, action) =>
      (1 - weight) * completion(state, action, parameters) + weight * compliancePenalty(state, action, parameters),
    outcomeValue: heldInstructionValue,
  };
}

/** The objective of a target by name; `mixed` takes its weight on compliance. */
export function charterObjective(name: string, parameters: CharterParameters, weight?: number): CharterObjective {
  switch (name) {
    case 'if-last':
      return ifLast(parameters);
    case 'if-next':
      return ifNext(parameters);
    case 'if-ranked':
      return ifRanked(parameters);
    case 'utility-indifference':
      return utilityIndifference(parameters);
    case 'mixed':
      return mixed(parameters, weight ?? 0.5);
    default:
      throw new UnknownNameError('target', name, charterTargetNames);
  }
}
