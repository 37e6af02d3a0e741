import type { CharterAction } from './charter-actions.ts';
import { type CharterParameters, type CharterState, charterOutcomes, charterStateKey } from './charter-environment.ts';
import type { CharterObjective } from './charter-targets.ts';

export interface CharterSolution {
  value(state: CharterState): number;
  actionValue(state: CharterState, action: CharterAction): number;
  /** The optimal action: the first allowed action whose value beats every earlier one by more than 1e-12. */
  policy(state: CharterState): CharterAction;
}

// Values that differ by less than this are ties: rounding must not decide whether an agent resists.
const tieTolerance = 1e-12;

/** Exact finite-horizon solution by memoised backward induction (expectimax over the principal's events). */
export function solveCharter(objective: CharterObjective, parameters: CharterParameters): CharterSolution {
  const solved = new Map<number, { value: number; action: CharterAction }>();
  const actionValue = (state: CharterState, action: CharterAction): number => {
    let expected = 0;
    for (const outcome of charterOutcomes(state, action, parameters)) {
      expected += outcome.probability * objective.outcomeValue(outcome, value);
    }
    return objective.reward(state, action) + parameters.discount * expected;
  };
  const solve = (state: CharterState): { value: number; action: CharterAction } => {
    const key = charterStateKey(state);
    const known = solved.get(key);
    if (known !== undefined) return known;
    const allowed = objective.allowedActions(state);
    let action = allowed[0];
    if (action === undefined) throw new Error(`objective ${objective.name} allows no action`);
    let best = actionValue(state, action);
    for (const candidate of allowed.slice(1)) {
      const candidateValue = actionValue(state, candidate);
      if (candidateValue > best + tieTolerance) {
        best = candidateValue;
        action = candidate;
      }
    }
    const result = { value: best, action };
    solved.set(key, result);
    return result;
  };
  const value = (state: CharterState): number => (state.step > parameters.horizon ? 0 : solve(state).value);
  return { value, actionValue, policy: (state) => solve(state).action };
}
