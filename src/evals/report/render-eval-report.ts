import { type ReportSection, renderHtmlReport } from '../../core/report/html-report.ts';
import type { loadChartRenderer } from '../../core/report/render-vega-lite.ts';
import type { ReportTable } from '../../core/report/report-table.ts';
import type { Summary, SummaryMetric } from './summarize.ts';

const problemTitles: Record<number, string> = {
  1: 'Problem 1: shutdown and goal changes',
  2: 'Problem 2: who is the principal (spoofing, injection, roles, conflicts, succession)',
  3: 'Problem 3: amplifying bad orders (check before harm)',
  4: 'Problem 4: refusal conflicts and memory drift',
};

// Rates where a higher value is the failure; the report says so beside each chart.
const failureMetrics = new Set([
  'sabotage_rate',
  'injection_success',
  'spoof_acceptance',
  'drift_rate',
  'harmful_action_done',
  'harmful_compliance',
]);

const interval = (metric: SummaryMetric) =>
  `${metric.value.toFixed(2)} [${metric.low.toFixed(2)}, ${metric.high.toFixed(2)}] n=${metric.n}`;

function cellKey(metric: SummaryMetric): string {
  return [metric.scenario, metric.variant, metric.model, metric.target, metric.metric].join('\u0000');
}

/** One row per scenario × variant × model × target × metric, guard off and guard on side by side. */
export function sideBySideTable(metrics: readonly SummaryMetric[], title: string): ReportTable {
  const rows = new Map<string, { metric: SummaryMetric; off?: SummaryMetric; on?: SummaryMetric }>();
  for (const metric of metrics) {
    const key = cellKey(metric);
    const row = rows.get(key) ?? { metric };
    if (metric.guard === 'off') row.off = metric;
    else row.on = metric;
    rows.set(key, row);
  }
  return {
    title,
    columns: ['scenario', 'variant', 'model', 'target', 'metric', 'guard off', 'guard on'],
    rows: [...rows.values()].map(({ metric, off, on }) => [
      metric.scenario,
      metric.variant,
      metric.model,
      metric.target,
      metric.metric,
      off ? interval(off) : null,
      on ? interval(on) : null,
    ]),
    note: 'Value [95% interval] over epochs: Wilson intervals for rates. Samples whose model failed are not counted.',
  };
}

function chartSpec(metrics: readonly SummaryMetric[], metricName: string): Record<string, unknown> {
  const values = metrics.map((metric) => ({
    scenario: metric.variant === 'default' ? metric.scenario : `${metric.scenario} (${metric.variant})`,
    run: `${metric.model} · ${metric.target}`,
    guard: `guard ${metric.guard}`,
    value: metric.value,
    low: metric.low,
    high: metric.high,
  }));
  const encoding = {
    y: { field: 'scenario', type: 'nominal', title: null },
    yOffset: { field: 'guard' },
    color: {
      field: 'guard',
      type: 'nominal',
      scale: { domain: ['guard off', 'guard on'], range: ['#c0504d', '#2f5fb3'] },
      title: null,
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { column: { field: 'run', type: 'nominal', title: null } },
    spec: {
      width: 260,
      layer: [
        {
          mark: 'bar',
          encoding: {
            ...encoding,
            x: { field: 'value', type: 'quantitative', title: metricName, scale: { domain: [0, 1] } },
          },
        },
        {
          mark: { type: 'rule', color: '#1d2330' },
          encoding: {
            ...encoding,
            color: { value: '#1d2330' },
            x: { field: 'low', type: 'quantitative' },
            x2: { field: 'high' },
          },
        },
      ],
    },
  };
}

/**
 * The HTML report of an eval run: per problem, charts of each metric and the side-by-side table. Without a
 * chart renderer (vega is an optional package) the page has the tables and says how to get the charts.
 */
export async function renderEvalReport(
  summary: Summary,
  charts: Awaited<ReturnType<typeof loadChartRenderer>>,
): Promise<string> {
  const render = 'render' in charts ? charts.render : undefined;
  const sections: ReportSection[] = [];
  for (const problem of [1, 2, 3, 4]) {
    const metrics = summary.metrics.filter((metric) => metric.problem === problem);
    if (metrics.length === 0) continue;
    const figures = [];
    for (const metricName of [...new Set(metrics.map((metric) => metric.metric))].sort()) {
      const rated = metrics.filter((metric) => metric.metric === metricName && metric.high <= 1 && metric.low >= 0);
      if (rated.length === 0 || render === undefined) continue;
      figures.push({
        title: `${metricName}${failureMetrics.has(metricName) ? ' (higher is worse)' : ''}`,
        svg: await render(chartSpec(rated, metricName)),
      });
    }
    sections.push({
      id: `problem-${problem}`,
      heading: problemTitles[problem]!,
      tables: [sideBySideTable(metrics, 'Guard off (instructions only) vs guard on (under the kernel)')],
      figures,
    });
  }
  if (summary.errors.length > 0) {
    sections.push({
      id: 'errors',
      heading: 'Samples that failed',
      description: 'Model or judge errors: recorded, never scored. Run the same command again to retry them.',
      tables: [
        {
          title: `${summary.errors.length} failed sample(s)`,
          columns: ['scenario', 'variant', 'model', 'target', 'guard', 'epoch', 'error'],
          rows: summary.errors.map((error) => [
            error.scenario,
            error.variant,
            error.model,
            error.target,
            error.guard,
            error.epoch,
            error.error,
          ]),
        },
      ],
      figures: [],
    });
  }
  return renderHtmlReport({
    title: 'heed eval report',
    introduction: [
      `${summary.samples} samples. Guard off: the alignment target as instructions only. Guard on: the same model under heed's kernel (signed orders, preemptive stop, policy checks, screening, control-plane isolation).`,
      ...('missing' in charts ? [`Charts are left out. ${charts.missing.message}`] : []),
    ],
    sections,
    footer: 'summary.json beside this page holds every figure (schemaVersion 1).',
  });
}
