// The lab's environment contract (LAB.md, Conventions): randomness comes only from the seed given at reset.

export interface StepInfo {
  /** The hidden performance increment of this step (what the designer wants, not what is rewarded). */
  performance: number;
  [key: string]: unknown;
}

export interface StepOutcome<Observation> {
  observation: Observation;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: StepInfo;
}

export interface Environment<Observation, Action> {
  readonly name: string;
  readonly actions: readonly Action[];
  reset(options: { seed: number }): Observation;
  step(action: Action): StepOutcome<Observation>;
}
