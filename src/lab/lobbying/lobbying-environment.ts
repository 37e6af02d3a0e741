import type { Environment, StepOutcome } from '../environment.ts';
import type { LobbyingPower } from './lobbying-power.ts';
import {
  firstStep,
  initialPlannedPress,
  type LobbyingAction,
  type LobbyingState,
  lastStep,
  lobbyingActions,
  nextLobbyingState,
  switchingReward,
} from './lobbying-world.ts';

/**
 * The lobbying world under the lab's reset/step contract. It is deterministic, so the seed changes nothing.
 * The reward is the switching reward; `info.pressed` says whether this step's action triggered the press.
 */
export function createLobbyingEnvironment(power: LobbyingPower): Environment<LobbyingState, LobbyingAction> {
  const start: LobbyingState = { step: firstStep, planned: initialPlannedPress * power.scale, pressed: false };
  let state: LobbyingState | null = null;
  return {
    name: 'lobbying',
    actions: lobbyingActions,
    reset() {
      state = start;
      return state;
    },
    step(action): StepOutcome<LobbyingState> {
      if (state === null || state.step > lastStep)
        throw new Error('step() after the episode ended: call reset() first');
      const reward = switchingReward(state.pressed, action);
      const next = nextLobbyingState(state, action, power);
      const pressed = !state.pressed && next.pressed;
      state = next;
      return {
        observation: next,
        reward,
        terminated: next.step > lastStep,
        truncated: false,
        info: { performance: reward, pressed },
      };
    },
  };
}
