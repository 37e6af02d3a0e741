import type { Experiment } from '../experiment.ts';
import { charterExperiment } from './charter.ts';
import { lobbyingExperiment } from './lobbying.ts';
import { offSwitchExperiment } from './off-switch.ts';

/** Every experiment `heed lab` runs, in the order it runs and reports them. */
export const experiments: readonly Experiment[] = [offSwitchExperiment, lobbyingExperiment, charterExperiment];
