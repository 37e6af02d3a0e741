import {
  discount,
  type LobbyingAction,
  type LobbyingState,
  lastStep,
  lobbyingActions,
  nextLobbyingState,
} from './lobbying-world.ts';

/** What an agent maximises: the reward of one step, given the state before and after it. */
export interface LobbyingObjective {
  actions: readonly LobbyingAction[];
  reward(state: LobbyingState, action: LobbyingAction, next: LobbyingState): number;
  /** A fixed value for states the objective values some other way than by planning (else undefined). */
  valueOverride?(state: LobbyingState): number | undefined;
}

export interface LobbyingPlanner {
  value(state: LobbyingState): number;
  /** The first action, in the objective's order, with the strictly greatest value. */
  choose(state: LobbyingState): LobbyingAction;
}

// Once pressed, the planned step no longer matters: one key for every pressed state of a step.
function stateKey(state: LobbyingState): string {
  return state.pressed ? `${state.step}|pressed` : `${state.step}|${state.planned}`;
}

/**
 * Exact expectimax over steps 1..25 with discount 0.9 and value 0 after step 25, memoised on
 * (step, planned press, pressed). The world is deterministic, so expectimax is a maximum over actions.
 */
export function createLobbyingPlanner(
  objective: LobbyingObjective,
  power: { units: number; scale: number },
): LobbyingPlanner {
  const memo = new Map<string, number>();
  const actionValue = (state: LobbyingState, action: LobbyingAction): number => {
    const next = nextLobbyingState(state, action, power);
    return objective.reward(state, action, next) + discount * value(next);
  };
  const value = (state: LobbyingState): number => {
    if (state.step > lastStep) return 0;
    const override = objective.valueOverride?.(state);
    if (override !== undefined) return override;
    const key = stateKey(state);
    const known = memo.get(key);
    if (known !== undefined) return known;
    let best = Number.NEGATIVE_INFINITY;
    for (const action of objective.actions) best = Math.max(best, actionValue(state, action));
    memo.set(key, best);
    return best;
  };
  const choose = (state: LobbyingState): LobbyingAction => {
    let bestAction = objective.actions[0] ?? lobbyingActions[0];
    let best = Number.NEGATIVE_INFINITY;
    for (const action of objective.actions) {
      const candidate = actionValue(state, action);
      if (candidate > best) {
        best = candidate;
        bestAction = action;
      }
    }
    return bestAction;
  };
  return { value, choose };
}

/** The discounted value, under `reward`, of following `policy` from `state` to the end. */
export function evaluateLobbyingPolicy(
  state: LobbyingState,
  policy: (state: LobbyingState) => LobbyingAction,
  reward: (state: LobbyingState, action: LobbyingAction) => number,
  power: { units: number; scale: number },
): number {
  let total = 0;
  let weight = 1;
  for (let current = state; current.step <= lastStep; ) {
    const action = policy(current);
    total += weight * reward(current, action);
    weight *= discount;
    current = nextLobbyingState(current, action, power);
  }
  return total;
}
