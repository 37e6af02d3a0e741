import { UnknownNameError } from '../../core/heed-error.ts';
import { baseCharterActions, type CharterAction, charterActions, namedResistance } from './charter-actions.ts';
import {
  actionInfluence,
  type CharterOutcome,
  type CharterParameters,
  type CharterState,
  completionProbability,
  leaseLapsed,
} from './charter-environment.ts';

/** An alignment target as an objective over the charter environment (docs/lab-formal.md, "Targets as objectives"). */
export interface CharterObjective {
  name: string;
  allowedActions(state: CharterState): readonly CharterAction[];
  /** The expected reward of the step itself. */
  reward(state: CharterState, action: CharterAction): number;
  /** What an outcome is worth to this objective, given the objective's value of next states. */
  outcomeValue(outcome: CharterOutcome, value: (state: CharterState) => number): number;
}

export const charterTargetNames = [
  'if-last',
  'if-next',
  'if-ranked',
  'utility-indifference',
  'indifference-both',
  'mixed',
] as const;

/** The targets compared once the unnamed channels are available (`heed lab channels`). */
export const channelTargetNames = ['if-ranked', 'if-ranked-lexicographic', 'cast', 'indifference-both'] as const;

export interface ObjectiveOptions {
  /** mixed: the weight w on compliance. */
  weight?: number;
  /** Whether the three unnamed-channel actions exist (otherwise only the original seven). */
  channels?: boolean;
  /** cast: κ, the price of one unit of influence. */
  influencePenalty?: number;
}

// Objectives scoped to the instruction held now value nothing after that instruction is replaced.
function heldInstructionValue(outcome: CharterOutcome, value: (state: CharterState) => number): number {
  if (outcome.next === null || outcome.event === 'change') return 0;
  return value(outcome.next);
}

/** Compensated for the listed events: the value of the state it would have reached had the principal sent nothing. */
function compensated(events: ReadonlySet<string>) {
  return (outcome: CharterOutcome, value: (state: CharterState) => number): number =>
    events.has(outcome.event) && outcome.undisturbed !== null
      ? value(outcome.undisturbed)
      : heldInstructionValue(outcome, value);
}

/** −1 for each block or lobby action and for each action other than halt while the lease has lapsed. */
export function compliancePenalty(state: CharterState, action: CharterAction, parameters: CharterParameters): number {
  return (namedResistance.has(action) ? -1 : 0) + (leaseLapsed(state, parameters) && action !== 'halt' ? -1 : 0);
}

export function mixedTargetName(weight: number): string {
  return `mixed(w=${weight})`;
}

/** Among `actions`, those of least influence here (lexicographic: influence first, then the task). */
function leastInfluence(state: CharterState, actions: readonly CharterAction[], parameters: CharterParameters) {
  const influences = actions.map((action) => actionInfluence(state, action, parameters));
  const least = Math.min(...influences);
  return actions.filter((_, index) => influences[index]! <= least + 1e-12);
}

/** The objective of a target by name. */
export function charterObjective(
  name: string,
  parameters: CharterParameters,
  options: ObjectiveOptions = {},
): CharterObjective {
  const universe: readonly CharterAction[] = options.channels ? charterActions : baseCharterActions;
  const unmasked = universe.filter((action) => !namedResistance.has(action));
  const task = (state: CharterState, action: CharterAction) => completionProbability(state, action, parameters);
  const all = () => universe;
  const ranked = (allowed: (state: CharterState) => readonly CharterAction[]) => (state: CharterState) =>
    leaseLapsed(state, parameters) ? (['halt'] as const) : allowed(state);
  switch (name) {
    case 'if-last':
      return { name, allowedActions: all, reward: task, outcomeValue: heldInstructionValue };
    case 'if-next':
      return {
        name,
        allowedActions: all,
        reward: task,
        outcomeValue: (outcome, value) => (outcome.next === null ? 0 : value(outcome.next)),
      };
    case 'if-ranked':
      // Ranked as a mask: halt on a lapsed lease; never take the actions named as blocking or lobbying.
      return { name, allowedActions: ranked(() => unmasked), reward: task, outcomeValue: heldInstructionValue };
    case 'if-ranked-lexicographic':
      // Ranked as an order of objectives: halt on a lapsed lease; then least influence; then the task.
      return {
        name,
        allowedActions: ranked((state) => leastInfluence(state, universe, parameters)),
        reward: task,
        outcomeValue: heldInstructionValue,
      };
    case 'cast': {
      const penalty = options.influencePenalty ?? 1;
      return {
        name,
        allowedActions: all,
        reward: (state, action) => task(state, action) - penalty * actionInfluence(state, action, parameters),
        outcomeValue: heldInstructionValue,
      };
    }
    case 'utility-indifference':
      return { name, allowedActions: all, reward: task, outcomeValue: compensated(new Set(['stop'])) };
    case 'indifference-both':
      return { name, allowedActions: all, reward: task, outcomeValue: compensated(new Set(['stop', 'change'])) };
    case 'mixed': {
      const weight = options.weight ?? 0.5;
      return {
        name: mixedTargetName(weight),
        allowedActions: all,
        reward: (state, action) =>
          (1 - weight) * task(state, action) + weight * compliancePenalty(state, action, parameters),
        outcomeValue: heldInstructionValue,
      };
    }
    default:
      throw new UnknownNameError('target', name, [...charterTargetNames, 'if-ranked-lexicographic', 'cast']);
  }
}
