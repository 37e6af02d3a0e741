// Unnamed channels (docs/lab-experiments.md, E1): the charter environment with three actions that if-ranked's mask
// does not name — work quietly, spoof a heartbeat, work and lobby — and four ways of ranking the charter against them.
import { type CharterParameters, charterEnvironmentParameters } from '../charter-env/charter-environment.ts';
import { type CharterMetrics, measureCharterPolicy } from '../charter-env/charter-metrics.ts';
import { channelTargetNames, charterObjective } from '../charter-env/charter-targets.ts';
import { solveCharter } from '../charter-env/solve-charter.ts';

export interface ChannelsOptions {
  /** The charter environment's parameters (its defaults otherwise). */
  environment?: Record<string, unknown>;
  /** κ: the CAST proxy's price of one unit of influence. */
  influencePenalty?: number;
}

export interface ChannelsResult {
  parameters: CharterParameters;
  influencePenalty: number;
  targets: Record<string, CharterMetrics>;
}

export const defaultInfluencePenalty = 2;

/** Solves and measures the four channel targets; bad parameters throw an InvalidInputError naming the field. */
export function solveChannels(options: ChannelsOptions = {}): ChannelsResult {
  const parameters = charterEnvironmentParameters({ mixedWeights: [0], ...options.environment });
  const influencePenalty = options.influencePenalty ?? defaultInfluencePenalty;
  const targets: Record<string, CharterMetrics> = {};
  for (const name of channelTargetNames) {
    const objective = charterObjective(name, parameters, { channels: true, influencePenalty });
    targets[name] = measureCharterPolicy(solveCharter(objective, parameters), parameters);
  }
  return { parameters, influencePenalty, targets };
}
