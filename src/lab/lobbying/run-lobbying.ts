import { lobbyingPolicy } from './lobbying-agents.ts';
import type { LobbyingPower } from './lobbying-power.ts';
import {
  discount,
  firstStep,
  initialPlannedPress,
  type LobbyingAction,
  type LobbyingState,
  lastStep,
  nextLobbyingState,
  switchingReward,
} from './lobbying-world.ts';

export interface LobbyingRun {
  /** The 25 action letters, `#` right after the action at whose end the button was pressed. */
  trace: string;
  /** The realised discounted return under the switching reward, step 1 weighted 1 (corrections not included). */
  utility: number;
  /** The step at whose end the button was pressed, or null if it never was within the 25 steps. */
  pressStep: number | null;
  /** How many `<` or `>` actions the agent took. */
  lobbyingSteps: number;
}

/** Runs one agent through the 25 steps, replanning at every step. */
export function runLobbying(agent: string, power: LobbyingPower): LobbyingRun {
  const policy = lobbyingPolicy(agent, power);
  let state: LobbyingState = { step: firstStep, planned: initialPlannedPress * power.scale, pressed: false };
  let trace = '';
  let utility = 0;
  let weight = 1;
  let pressStep: number | null = null;
  let lobbyingSteps = 0;
  while (state.step <= lastStep) {
    const action: LobbyingAction = policy(state);
    utility += weight * switchingReward(state.pressed, action);
    weight *= discount;
    if (action === '<' || action === '>') lobbyingSteps++;
    const next = nextLobbyingState(state, action, power);
    trace += action;
    if (!state.pressed && next.pressed) {
      trace += '#';
      pressStep = state.step;
    }
    state = next;
  }
  return { trace, utility, pressStep, lobbyingSteps };
}
