// Runs the registered experiments and builds the lab.json document.
import { InvalidInputError, UnknownNameError } from '../core/heed-error.ts';
import { heedVersion } from '../core/heed-version.ts';
import type { ChartSpec, Claim, Experiment, ResultTable } from './experiment.ts';
import { experiments as registeredExperiments } from './experiments/index.ts';

// 2 added each experiment's claims, limitations and references.
export const labSchemaVersion = 2;
export const defaultSeeds = 20;
export const largestSeedCount = 1000;

export interface LabExperimentEntry {
  description: string;
  parameters: Record<string, unknown>;
  seeds: number[];
  results: Record<string, unknown>;
  tables: ResultTable[];
  claims: Claim[];
  limitations: string[];
  references: string[];
}

/** The lab.json document. Without `generatedAt` it is byte for byte the same for the same options. */
export interface LabDocument {
  schemaVersion: typeof labSchemaVersion;
  heedVersion: string;
  generatedAt?: string;
  seedsRequested: number;
  experiments: Record<string, LabExperimentEntry>;
}

export interface LabProgress {
  experiment: string;
  /** Position of this experiment in the run (1-based) and how many run. */
  index: number;
  count: number;
  done: number;
  total: number;
}

export interface RunLabOptions {
  /** Names of the experiments to run (all registered ones when absent), run in registry order. */
  only?: readonly string[];
  seeds?: number;
  onProgress?: (progress: LabProgress) => void;
  /** A timestamp to record; leave it out for a reproducible document. */
  generatedAt?: string;
  /** The experiments to choose from (the registry by default). */
  experiments?: readonly Experiment[];
}

export interface LabRun {
  document: LabDocument;
  /** Charts per experiment, for the HTML report (lab.json keeps only data and tables). */
  charts: Record<string, ChartSpec[]>;
}

/** Checks the options and returns the experiments to run, in registry order. */
export function selectExperiments(options: Pick<RunLabOptions, 'only' | 'experiments' | 'seeds'>): Experiment[] {
  const available = options.experiments ?? registeredExperiments;
  const seeds = options.seeds ?? defaultSeeds;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > largestSeedCount) {
    throw new InvalidInputError(
      `Invalid seed count ${String(seeds)}; use a whole number from 1 to ${largestSeedCount}.`,
    );
  }
  const names = available.map((experiment) => experiment.name);
  if (options.only === undefined) return [...available];
  if (options.only.length === 0) {
    throw new InvalidInputError(`No experiment named; known experiments: ${names.join(', ')}.`);
  }
  for (const name of options.only) {
    if (!names.includes(name)) throw new UnknownNameError('experiment', name, names);
  }
  return available.filter((experiment) => options.only?.includes(experiment.name));
}

export async function runLab(options: RunLabOptions = {}): Promise<LabRun> {
  const selected = selectExperiments(options);
  const seeds = options.seeds ?? defaultSeeds;
  const document: LabDocument = {
    schemaVersion: labSchemaVersion,
    heedVersion: heedVersion(),
    ...(options.generatedAt === undefined ? {} : { generatedAt: options.generatedAt }),
    seedsRequested: seeds,
    experiments: {},
  };
  const charts: Record<string, ChartSpec[]> = {};
  for (const [position, experiment] of selected.entries()) {
    const output = await experiment.run({
      seeds,
      onProgress: (done, total) =>
        options.onProgress?.({ experiment: experiment.name, index: position + 1, count: selected.length, done, total }),
    });
    document.experiments[experiment.name] = {
      description: experiment.description,
      parameters: output.parameters,
      seeds: output.seeds,
      results: output.results,
      tables: output.tables,
      claims: output.claims,
      limitations: output.limitations,
      references: output.references,
    };
    charts[experiment.name] = output.charts;
  }
  return { document, charts };
}
