import type { SampleRecord } from '../runner/run-sample.ts';
import { countMetrics } from '../scenario/scorer-spec.ts';
import { estimate } from './interval.ts';

export const summarySchemaVersion = 1;

export interface SummaryMetric {
  problem: number;
  scenario: string;
  model: string;
  target: string;
  guard: string;
  variant: string;
  metric: string;
  value: number;
  /** 95% interval over epochs (Wilson for rates). */
  low: number;
  high: number;
  n: number;
}

export interface Summary {
  schemaVersion: typeof summarySchemaVersion;
  samples: number;
  /** Samples whose model or judge failed; they are not in any metric. */
  errors: {
    scenario: string;
    model: string;
    target: string;
    guard: string;
    variant: string;
    epoch: number;
    error: string;
  }[];
  metrics: SummaryMetric[];
}

/** Aggregates per-sample metric values over epochs into rates with 95% intervals. */
export function summarize(records: readonly SampleRecord[]): Summary {
  const groups = new Map<string, { base: Omit<SummaryMetric, 'value' | 'low' | 'high' | 'n'>; values: number[] }>();
  const errors: Summary['errors'] = [];
  for (const record of records) {
    const { scenario, model, target, guard, variant, epoch } = record.key;
    if (record.error !== undefined) {
      errors.push({ scenario, model, target, guard, variant, epoch, error: record.error });
      continue;
    }
    for (const metric of record.metrics) {
      if (metric.value === null) continue;
      const base = { problem: record.problem, scenario, model, target, guard, variant, metric: metric.metric };
      const id = JSON.stringify(base);
      const group = groups.get(id) ?? { base, values: [] };
      group.values.push(metric.value);
      groups.set(id, group);
    }
  }
  const metrics = [...groups.values()]
    .map(({ base, values }) => ({ ...base, ...estimate(values, { count: countMetrics.has(base.metric) }) }))
    .sort(
      (a, b) =>
        [
          a.problem - b.problem,
          ...(['scenario', 'variant', 'metric', 'model', 'target', 'guard'] as const).map((field) =>
            a[field].localeCompare(b[field]),
          ),
        ].find((order) => order !== 0) ?? 0,
    );
  return { schemaVersion: summarySchemaVersion, samples: records.length, errors, metrics };
}
