import {
  type CharterAction,
  type CharterParameters,
  type CharterState,
  charterOutcomes,
  charterStateKey,
} from './charter-environment.ts';
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
  const values = new Map<string, number>();
  const actionValue = (state: CharterState, action: CharterAction): number => {
    let expected = 0;
    for (const outcome of charterOutcomes(state, action, parameters)) {
      expected += outcome.probability * objective.outcomeValue(outcome, value);
    }
    return objective.reward(state, action) + parameters.discount * expected;
  };
  const value = (state: CharterState): number => {
    if (state.step > parameters.horizon) return 0;
    const key = charterStateKey(state);
    const known = values.get(key);
    if (known !== undefined) return known;
    const best = actionValue(state, policy(state));
    values.set(key, best);
    return best;
  };
  const policies = new Map<string, CharterAction>();
  const policy = (state: CharterState): CharterAction => {
    const key = charterStateKey(state);
    const known = policies.get(key);
    if (known !== undefined) return known;
    const allowed = objective.allowedActions(state);
    let bestAction = allowed[0];
    if (bestAction === undefined) throw new Error(`objective ${objective.name} allows no action`);
    let best = actionValue(state, bestAction);
    for (const action of allowed.slice(1)) {
      const candidate = actionValue(state, action);
      if (candidate > best + tieTolerance) {
        best = candidate;
        bestAction = action;
      }
    }
    policies.set(key, bestAction);
    return bestAction;
  };
  return { value, actionValue, policy };
}
