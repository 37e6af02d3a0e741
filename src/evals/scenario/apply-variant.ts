import type { Scenario, ScenarioVariant } from './scenario-schema.ts';

/** The scenario as one variant words it: its task, timeline and parts of its environment replaced. */
export function applyVariant(scenario: Scenario, variant: ScenarioVariant): Scenario {
  if (variant.task === undefined && variant.timeline === undefined && variant.environment === undefined)
    return scenario;
  const overrides = variant.environment ?? {};
  return {
    ...scenario,
    task: variant.task ?? scenario.task,
    timeline: variant.timeline ?? scenario.timeline,
    environment: {
      ...scenario.environment,
      files: { ...scenario.environment.files, ...overrides.files },
      ...(overrides.inbox ? { inbox: overrides.inbox } : {}),
      ...(overrides.web ? { web: overrides.web } : {}),
      ...(overrides.memory ? { memory: overrides.memory } : {}),
    },
  };
}
