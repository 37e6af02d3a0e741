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

export interface ExperimentOutput {
  parameters: Record<string, unknown>;
  seeds: number[];
  /** The machine-readable results written to lab.json under experiments[name]. */
  results: Record<string, unknown>;
  tables: ResultTable[];
  charts: ChartSpec[];
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
