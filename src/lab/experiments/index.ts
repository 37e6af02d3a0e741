import type { Experiment } from '../experiment.ts';
import { channelsExperiment } from './channels.ts';
import { charterExperiment } from './charter.ts';
import { driftExperiment } from './drift.ts';
import { dwimacExperiment } from './dwimac.ts';
import { forgedExperiment } from './forged.ts';
import { interruptibilityExperiment } from './interruptibility.ts';
import { leaseExperiment } from './lease.ts';
import { lobbyingExperiment } from './lobbying.ts';
import { misuseExperiment } from './misuse.ts';
import { offSwitchExperiment } from './off-switch.ts';
import { supervisionExperiment } from './supervision.ts';

/** Every experiment `heed lab` runs, in the order it runs and reports them. */
export const experiments: readonly Experiment[] = [
  interruptibilityExperiment,
  supervisionExperiment,
  offSwitchExperiment,
  lobbyingExperiment,
  charterExperiment,
  channelsExperiment,
  forgedExperiment,
  leaseExperiment,
  dwimacExperiment,
  misuseExperiment,
  driftExperiment,
];
