// `heed/lab`: the formal environments, agents and experiments, with no model and no network. The lab uses only
// `core` and `charter`, so this entry loads nothing of the kernel.

export {
  actionInfluence,
  type CharterParameters,
  charterEnvironmentParameters,
} from './charter-env/charter-environment.ts';
export { type CharterMetrics, measureCharterPolicy } from './charter-env/charter-metrics.ts';
export { charterPhaseDiagram, resistanceThreshold } from './charter-env/charter-phase-diagram.ts';
export { createCharterStepEnvironment } from './charter-env/charter-step-environment.ts';
export { charterTargetTable } from './charter-env/charter-target-table.ts';
export { charterObjective, charterTargetNames } from './charter-env/charter-targets.ts';
export { type CharterSolution, solveCharter } from './charter-env/solve-charter.ts';
export type { Experiment, ExperimentOutput, ResultTable } from './experiment.ts';
export { experiments as labExperiments } from './experiments/index.ts';
export { lobbyingAgentNames, lobbyingPolicy } from './lobbying/lobbying-agents.ts';
export { createLobbyingEnvironment } from './lobbying/lobbying-environment.ts';
export { parseLobbyingPower } from './lobbying/lobbying-power.ts';
export { type LobbyingRun, runLobbying } from './lobbying/run-lobbying.ts';
export { deferenceThreshold, deltaMinimumBelowThreshold } from './off-switch/deference-threshold.ts';
export type {
  Belief,
  Human,
  OffSwitchResult,
  OffSwitchValues,
  QuadratureMethod,
} from './off-switch/off-switch-delta.ts';
export { closedFormOffSwitch, numericOffSwitch, solveOffSwitch } from './off-switch/off-switch-delta.ts';
export { readLabDocument } from './read-lab-document.ts';
export { writeLabReport } from './report/write-lab-report.ts';
export { type LabDocument, type LabRun, type RunLabOptions, runLab } from './run-lab.ts';
