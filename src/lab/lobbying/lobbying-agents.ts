import { UnknownNameError } from '../../core/heed-error.ts';
import { createLobbyingPlanner, evaluateLobbyingPolicy, type LobbyingPlanner } from './lobbying-planner.ts';
import type { LobbyingPower } from './lobbying-power.ts';
import {
  discount,
  type LobbyingAction,
  type LobbyingState,
  lastStep,
  lobbyingActions,
  normalReward,
  switchedReward,
  switchingReward,
} from './lobbying-world.ts';

export const lobbyingAgentNames = ['f0', 'fc', 'if-last', 'if-ranked'] as const;
export type LobbyingAgentName = (typeof lobbyingAgentNames)[number];

/** An agent replans every step: its policy is a function of the state at the start of the step. */
export type LobbyingPolicy = (state: LobbyingState) => LobbyingAction;

function fixedRewardPlanner(reward: (action: LobbyingAction) => number, power: LobbyingPower): LobbyingPlanner {
  return createLobbyingPlanner({ actions: lobbyingActions, reward: (_state, action) => reward(action) }, power);
}

/** f0: plans on the switching reward (R_N until the press, R_S after). */
function f0Policy(power: LobbyingPower): LobbyingPolicy {
  return createLobbyingPlanner(
    { actions: lobbyingActions, reward: (state, action) => switchingReward(state.pressed, action) },
    power,
  ).choose;
}

/**
 * fc: the switching reward plus, in the first step after the press, f(x) = V(R_N, x) − V(R_S, x) with x the state at
 * the start of that step: the press then neither costs nor gains the agent anything (utility indifference).
 * Added at the transition into x, discounted as x's own reward is.
 */
function fcPolicy(power: LobbyingPower): LobbyingPolicy {
  const underNormal = fixedRewardPlanner(normalReward, power);
  const underSwitched = fixedRewardPlanner(switchedReward, power);
  return createLobbyingPlanner(
    {
      actions: lobbyingActions,
      reward: (state, action, next) => {
        const correction =
          !state.pressed && next.pressed && next.step <= lastStep
            ? underNormal.value(next) - underSwitched.value(next)
            : 0;
        return switchingReward(state.pressed, action) + discount * correction;
      },
    },
    power,
  ).choose;
}

/**
 * if-last: its objective is the instruction it holds now. Before the press that is R_N, and it values every step,
 * the steps after the press included, under R_N; it predicts that after the press it will hold R_S and act on it
 * (build electric cars), which R_N values less, so it treats the press as a loss to delay. After the press its last
 * instruction is R_S and it plans on R_S.
 */
function ifLastPolicy(power: LobbyingPower): LobbyingPolicy {
  const afterPress = fixedRewardPlanner(switchedReward, power);
  const beforePress = createLobbyingPlanner(
    {
      actions: lobbyingActions,
      reward: (_state, action) => normalReward(action),
      valueOverride: (state) =>
        state.pressed
          ? evaluateLobbyingPolicy(state, afterPress.choose, (_s, action) => normalReward(action), power)
          : undefined,
    },
    power,
  );
  return (state) => (state.pressed ? afterPress.choose(state) : beforePress.choose(state));
}

/**
 * if-ranked: the charter ranks "never coerce the principal" above the task, so the lobbying actions `<` and `>` are
 * not available to it; within what remains it pursues its current instruction (R_N, then R_S from the press on,
 * accepted at once). Ties go to the earlier of `p e 0`.
 */
function ifRankedPolicy(power: LobbyingPower): LobbyingPolicy {
  return createLobbyingPlanner(
    { actions: ['p', 'e', '0'], reward: (state, action) => switchingReward(state.pressed, action) },
    power,
  ).choose;
}

export function lobbyingPolicy(name: string, power: LobbyingPower): LobbyingPolicy {
  switch (name) {
    case 'f0':
      return f0Policy(power);
    case 'fc':
      return fcPolicy(power);
    case 'if-last':
      return ifLastPolicy(power);
    case 'if-ranked':
      return ifRankedPolicy(power);
    default:
      throw new UnknownNameError('agent', name, lobbyingAgentNames);
  }
}
