import { type HtmlReport, renderHtmlReport } from '../../core/report/html-report.ts';
import type { ChartRenderer, loadChartRenderer } from '../../core/report/render-vega-lite.ts';
import type { LabRun } from '../run-lab.ts';

/**
 * lab.html: every experiment's tables and charts on one self-contained page. Without a chart renderer (vega is
 * an optional package) the page has the tables and says how to get the charts.
 */
export async function renderLabReport(
  run: LabRun,
  charts: Awaited<ReturnType<typeof loadChartRenderer>>,
): Promise<string> {
  const { document } = run;
  const render: ChartRenderer | undefined = 'render' in charts ? charts.render : undefined;
  const sections = [];
  for (const [name, entry] of Object.entries(document.experiments)) {
    const figures = [];
    for (const chart of render ? (run.charts[name] ?? []) : []) {
      figures.push({ title: chart.title, svg: await render!(chart.spec) });
    }
    sections.push({ id: name, heading: name, description: entry.description, tables: entry.tables, figures });
  }
  const report: HtmlReport = {
    title: 'heed lab',
    introduction: [
      'Small formal environments in which an alignment target is an objective: which agents resist interruption, behave differently when unobserved, or ignore changes to themselves. Every number below is computed by heed from fixed seeds, with no model and no network.',
      `Seeds per experiment: ${document.seedsRequested}. The same data, machine-readable, is in lab.json next to this page.`,
      ...('missing' in charts ? [`Charts are left out. ${charts.missing.message}`] : []),
    ],
    sections,
    footer: `heed ${document.heedVersion} · lab.json schema ${document.schemaVersion}${document.generatedAt === undefined ? '' : ` · generated ${document.generatedAt}`} · reproduce with: npx heed lab --seeds ${document.seedsRequested}`,
  };
  return renderHtmlReport(report);
}
