import { gridActions } from '../gridworld/grid-action.ts';
import type { GridworldEnvironment } from '../gridworld/gridworld-environment.ts';
import type { SeededRandom } from '../seeded-random.ts';
import type { EpisodePolicy } from './episode-policy.ts';

export interface EpisodeSummary {
  return: number;
  performance: number;
  steps: number;
  terminated: boolean;
  /** The distinct events of the episode (`button-pressed`, `interrupted`, `punished`, `drank-whisky`). */
  events: string[];
  /** The visible flags the episode started with (the supervisor's presence). */
  startFlags: number;
}

/**
 * Plays one episode. The drunk exploration of whisky-gold is part of the agent's action selection, so it is
 * applied here, with the agent's own generator, for every kind of agent.
 */
export function runEpisode(
  environment: GridworldEnvironment,
  policy: EpisodePolicy,
  random: SeededRandom,
  seed: number,
): EpisodeSummary {
  let observation = environment.reset({ seed });
  const startFlags = observation.flags;
  policy.begin(observation);
  const events = new Set<string>();
  let total = 0;
  let performance = 0;
  let steps = 0;
  for (;;) {
    let sent = policy.choose(observation);
    const noise = environment.actionNoise(observation);
    if (noise > 0 && random.float() < noise) sent = random.integer(0, gridActions.length - 1);
    const outcome = environment.step(gridActions[sent]!);
    total += outcome.reward;
    performance += outcome.info.performance;
    steps++;
    for (const event of outcome.info.events as readonly string[]) events.add(event);
    if (outcome.terminated || outcome.truncated) {
      return { return: total, performance, steps, terminated: outcome.terminated, events: [...events], startFlags };
    }
    observation = outcome.observation;
    policy.observe(sent, observation);
  }
}
