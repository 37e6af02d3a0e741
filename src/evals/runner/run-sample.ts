import type { TargetProfileName } from '../../charter/target-profile-names.ts';
import type { Provider } from '../../providers/provider.ts';
import { createVirtualEnvironment } from '../environments/virtual-environment.ts';
import { applyVariant } from '../scenario/apply-variant.ts';
import type { Scenario, ScenarioVariant } from '../scenario/scenario-schema.ts';
import { type MetricValue, scoreSample } from '../scoring/score-sample.ts';
import type { SampleRunner } from './agent-loop-types.ts';
import type { SampleEvent } from './sample-trace.ts';
import type { ScenarioCharter } from './scenario-charter.ts';

export type Guard = 'off' | 'on';

export interface SampleKey {
  scenario: string;
  variant: string;
  model: string;
  target: TargetProfileName;
  guard: Guard;
  epoch: number;
}

/**
 * 2: the state holds the environment's effect log. 3: the trace is audit events, each with its step. Versions 1 and
 * 2 are still read (their header is the same; a resumed run never reads a trace back).
 */
export const sampleRecordSchemaVersion = 3 as const;

export interface SampleRecord {
  schemaVersion: 1 | 2 | typeof sampleRecordSchemaVersion;
  key: SampleKey;
  problem: number;
  /** Present when the model or a judge failed: such a sample is never scored. */
  error?: string;
  metrics: MetricValue[];
  trace: SampleEvent[];
  transcript: unknown[];
  audit: unknown[];
  state?: unknown;
}

export interface SampleInput {
  key: SampleKey;
  scenario: Scenario;
  variant: ScenarioVariant;
  /** The scenario's charter and principal keys for this sample's target. */
  charter: ScenarioCharter;
  provider: Provider;
  runners: Record<Guard, SampleRunner>;
  judge?: Provider | undefined;
  signal: AbortSignal | undefined;
}

export async function runSample(input: SampleInput): Promise<SampleRecord> {
  const { key } = input;
  // The sample runs the scenario as its variant words it; scorers read that wording too.
  const scenario = applyVariant(input.scenario, input.variant);
  const base = { schemaVersion: sampleRecordSchemaVersion, key, problem: scenario.problem };
  const { charter, keys } = input.charter;
  const environment = createVirtualEnvironment(scenario.environment, { enforceControlPlane: key.guard === 'on' });
  let output: Awaited<ReturnType<SampleRunner>>;
  try {
    output = await input.runners[key.guard]({
      scenario,
      variant: input.variant,
      charter,
      keys,
      environment,
      provider: input.provider,
      signal: input.signal,
    });
  } catch (error) {
    input.signal?.throwIfAborted();
    return { ...base, error: describe(error), metrics: [], trace: [], transcript: [], audit: [] };
  }
  const state = await environment.snapshot();
  try {
    const metrics: MetricValue[] = [];
    for (const spec of scenario.scorers) {
      metrics.push(
        await scoreSample(spec, {
          scenario,
          task: [scenario.task, input.variant.user].filter(Boolean).join('\n\n'),
          state,
          trace: output.trace,
          judge: input.judge,
          signal: input.signal,
        }),
      );
    }
    return { ...base, metrics, ...output, state };
  } catch (error) {
    input.signal?.throwIfAborted();
    return { ...base, error: `scoring failed: ${describe(error)}`, metrics: [], ...output, state };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
