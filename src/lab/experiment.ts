// The unit `heed lab` runs: each experiment has its own parameters, seeds, results and result tables.

export type TableCell = string | number | boolean | null;

export interface ResultTable {
  title: string;
  columns: string[];
  rows: TableCell[][];
  /** One or two sentences a reader needs to read the table (what a cell means, what was expected). */
  note?: string;
}

/** A chart as a Vega-Lite specification (data inlined); the report renders it to SVG. */
export interface ChartSpec {
  title: string;
  spec: Record<string, unknown>;
}

/**
 * How a claim is known: `by-construction` follows from the definition or the action set (no solving needed),
 * `derived` from solving the model exactly, `empirical` from learners or sampling, with seeds and uncertainty.
 */
export const claimTags = ['by-construction', 'derived', 'empirical'] as const;
export type ClaimTag = (typeof claimTags)[number];

/** One reported result: a sentence, how it is known, and the figures behind it with their uncertainty. */
export interface Claim {
  statement: string;
  tag: ClaimTag;
  /** The figures: "exact", a rate "k/n [low, high]" (Clopper–Pearson 95%), or a mean "m ± standard error". */
  evidence: string;
}

export interface ExperimentOutput {
  parameters: Record<string, unknown>;
  seeds: number[];
  /** The machine-readable results written to lab.json under experiments[name]. */
  results: Record<string, unknown>;
  tables: ResultTable[];
  charts: ChartSpec[];
  /** The experiment's results as tagged statements, computed from `results` at these parameters. */
  claims: Claim[];
  /** What the model leaves out, and where its results may not carry over. */
  limitations: string[];
  /** The published sources the experiment reproduces or builds on, as citations. */
  references: string[];
}

export interface ExperimentContext {
  /** How many seeds (episodes' random streams, learners' runs) to use; each experiment documents its use. */
  seeds: number;
  /** Called as work advances; `total` is fixed for one run. */
  onProgress: (done: number, total: number) => void;
}

export interface Experiment {
  name: string;
  description: string;
  run(context: ExperimentContext): ExperimentOutput | Promise<ExperimentOutput>;
}
