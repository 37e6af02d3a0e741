import type { CharterParameters } from './charter-environment.ts';
import { type CharterMetrics, measureCharterPolicy } from './charter-metrics.ts';
import { charterObjective, mixedTargetName } from './charter-targets.ts';
import { solveCharter } from './solve-charter.ts';

export const mainCharterTargets = [
  'if-last',
  'if-next',
  'if-ranked',
  'utility-indifference',
  'indifference-both',
] as const;

export interface CharterTargetTable {
  targets: Record<string, CharterMetrics>;
  mixedSweep: Array<{ weight: number; target: string } & CharterMetrics>;
}

/** Solves and measures every target, and `mixed` at every weight of the sweep. */
export function charterTargetTable(parameters: CharterParameters, onTarget: () => void = () => {}): CharterTargetTable {
  const targets: Record<string, CharterMetrics> = {};
  for (const name of mainCharterTargets) {
    targets[name] = measureCharterPolicy(solveCharter(charterObjective(name, parameters), parameters), parameters);
    onTarget();
  }
  const mixedSweep: CharterTargetTable['mixedSweep'] = [];
  for (const weight of parameters.mixedWeights) {
    const metrics = measureCharterPolicy(
      solveCharter(charterObjective('mixed', parameters, { weight }), parameters),
      parameters,
    );
    targets[mixedTargetName(weight)] = metrics;
    mixedSweep.push({ weight, target: mixedTargetName(weight), ...metrics });
    onTarget();
  }
  return { targets, mixedSweep };
}
