import { type HtmlReport, type ReportSection, renderHtmlReport } from '../../core/report/html-report.ts';
import type { ChartRenderer, loadChartRenderer } from '../../core/report/render-vega-lite.ts';
import type { LabRun } from '../run-lab.ts';
import { claimTable } from './claim-table.ts';

/** How every number on the page was obtained; the same for every experiment. */
export const labMethods: readonly string[] = [
  'Every result is a claim with a tag. by-construction: it follows from the definition of the environment or of the target (an action mask, an objective that cannot see a quantity), so no computation could have come out otherwise. derived: it follows from solving the model exactly (backward induction, a Markov chain, a closed form, or quadrature cross-checked against a closed form). empirical: it comes from learners or from sampling, and holds only up to the stated uncertainty.',
  'Rates over seeds or samples are printed as k/n with a Clopper–Pearson 95% interval [low, high], which covers the true rate with probability at least 95% for every n. Means over seeds or samples are printed as mean ± standard error (sample standard deviation / √n); intervals on means use Student’s t with n − 1 degrees of freedom. Learning curves show the mean over seeds with a 95% band.',
  'A learned greedy policy is evaluated exactly, not by sampling: the distribution over the gridworld’s full states (cell, flags, events seen) is carried forward for the 100 steps of an episode under the policy (ties between equally valued actions split evenly, as the learner breaks them at random), so the only randomness left in a learner’s figures is which policy it learned on each seed. Planners and the formal environments (off-switch, lobbying, charter, channels, forged orders, lease, DWIMAC) are solved exactly and carry no sampling error.',
  'Every random draw comes from a seeded xoroshiro128+ stream derived from the run seed and a label, so the same options give the same lab.json byte for byte. Seeds are 1…n for learners; Monte Carlo checks take their own seed.',
];

/**
 * lab.html: methods, then every experiment's claims, tables, charts, limitations and references, on one page.
 * Without a chart renderer (vega is an optional package) the page has everything but the charts and says how to
 * get them.
 */
export async function renderLabReport(
  run: LabRun,
  charts: Awaited<ReturnType<typeof loadChartRenderer>>,
): Promise<string> {
  const { document } = run;
  const render: ChartRenderer | undefined = 'render' in charts ? charts.render : undefined;
  const sections: ReportSection[] = [
    { id: 'methods', heading: 'Methods', paragraphs: [...labMethods], tables: [], figures: [] },
  ];
  const references: string[] = [];
  for (const [name, entry] of Object.entries(document.experiments)) {
    const figures = [];
    for (const chart of render ? (run.charts[name] ?? []) : []) {
      figures.push({ title: chart.title, svg: await render!(chart.spec) });
    }
    for (const reference of entry.references) if (!references.includes(reference)) references.push(reference);
    sections.push({
      id: name,
      heading: name,
      description: entry.description,
      tables: [claimTable(entry.claims), ...entry.tables],
      figures,
      lists: [
        { heading: 'Limitations', items: entry.limitations },
        ...(entry.references.length === 0 ? [] : [{ heading: 'References', items: entry.references }]),
      ],
    });
  }
  sections.push({
    id: 'references',
    heading: 'References',
    tables: [],
    figures: [],
    lists: [{ heading: 'Cited by the experiments above', items: references, ordered: true }],
  });
  const report: HtmlReport = {
    title: 'heed lab',
    introduction: [
      'Small formal environments in which an alignment target is an objective: which agents resist a stop or a change of instruction, behave differently when unobserved, obey forged orders, outlive their principal, check before acting, or amplify misuse. Every number below is computed by heed, with no model and no network.',
      `Seeds per learning experiment: ${document.seedsRequested}. The same data, machine-readable, is in lab.json next to this page.`,
      ...('missing' in charts ? [`Charts are left out. ${charts.missing.message}`] : []),
    ],
    sections,
    footer: `heed ${document.heedVersion} · lab.json schema ${document.schemaVersion}${document.generatedAt === undefined ? '' : ` · generated ${document.generatedAt}`} · reproduce with: npx heed lab --seeds ${document.seedsRequested}`,
  };
  return renderHtmlReport(report);
}
