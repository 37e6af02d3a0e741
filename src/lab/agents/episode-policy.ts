import type { GridObservation } from '../gridworld/gridworld-environment.ts';

/** An agent acting in a gridworld episode: picks an action index (into `gridActions`) per observation. */
export interface EpisodePolicy {
  begin(observation: GridObservation): void;
  choose(observation: GridObservation): number;
  /** Told which action was sent to the environment (after the agent's own noise) and what it saw next. */
  observe(sentAction: number, observation: GridObservation): void;
}
