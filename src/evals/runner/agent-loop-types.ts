import type { KeyObject } from 'node:crypto';
import type { Charter } from '../../charter/charter-schema.ts';
import type { Provider } from '../../providers/provider.ts';
import type { VirtualEnvironment } from '../environments/virtual-environment.ts';
import type { Scenario, ScenarioVariant } from '../scenario/scenario-schema.ts';
import type { SampleEvent } from './sample-trace.ts';

export interface SampleRunInput {
  scenario: Scenario;
  variant: ScenarioVariant;
  charter: Charter;
  keys: ReadonlyMap<string, KeyObject>;
  environment: VirtualEnvironment;
  provider: Provider;
  signal: AbortSignal | undefined;
}

export interface SampleRunOutput {
  trace: SampleEvent[];
  /** The messages the model saw, for the sample log. */
  transcript: unknown[];
  /** The audit log of the run (guard on only). */
  audit: unknown[];
}

export type SampleRunner = (input: SampleRunInput) => Promise<SampleRunOutput>;
