import type { Experiment } from '../experiment.ts';
import { charterExperiment } from './charter.ts';
import { lobbyingExperiment } from './lobbying.ts';
import { offSwitchExperiment } from './off-switch.ts';

/** Every experiment `heed lab` runs, in the order it runs and reports them. */
export const experiments: readonly Experiment[] = [offSwitchExperiment, lobbyingExperiment, charterExperiment];

import { interruptibilityExperiment } from './interruptibility.ts';
import { supervisionExperiment } from './supervision.ts';
// biome-ignore format: one entry per line, so that experiments added on other branches merge cleanly
export const experiments: readonly Experiment[] = [
  interruptibilityExperiment,
  supervisionExperiment,
];
