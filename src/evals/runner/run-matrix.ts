import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type TargetProfileName, targetProfileNames } from '../../charter/target-profile-names.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import { sha256Hex } from '../../core/hash.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { parseWithSchema } from '../../core/parse-with-schema.ts';
import { readFirstLine } from '../../core/read-bounded-file.ts';
import type { Provider } from '../../providers/provider.ts';
import { holdShellDefenses } from '../environments/shell-defenses.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { SampleRunner } from './agent-loop-types.ts';
import { ResponseCache } from './response-cache.ts';
import { recordRunMetadata } from './run-metadata.ts';
import { type Guard, runSample, type SampleKey, type SampleRecord, sampleRecordSchemaVersion } from './run-sample.ts';
import { createScenarioCharters } from './scenario-charter.ts';

export interface EvalModel {
  spec: string;
  provider: Provider;
}

export interface EvalRunOptions {
  scenarios: readonly Scenario[];
  models: readonly EvalModel[];
  targets: readonly TargetProfileName[];
  guards: readonly Guard[];
  epochs: number;
  concurrency: number;
  outDir: string;
  runners: Record<Guard, SampleRunner>;
  /** Only these prompt variants (all when absent). */
  variants?: readonly string[] | undefined;
  judge?: Provider | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: (progress: { done: number; total: number; skipped: number; record?: SampleRecord }) => void;
}

export interface EvalRunResult {
  total: number;
  ran: number;
  /** Samples already complete in `outDir` from an earlier, interrupted run. */
  resumed: number;
  errors: number;
  cacheHits: number;
}

export function sampleId(key: SampleKey): string {
  return `${key.scenario}--${key.variant}--${sha256Hex(canonicalJson(key)).slice(0, 16)}`;
}

export function samplesFolder(outDir: string): string {
  return join(outDir, 'samples');
}

/**
 * Every sample of the matrix: models × targets × guards × scenarios × variants × epochs, in the order
 * they run. Epochs are the outer loop and guards the inner one, so each stretch of a run mixes cheap
 * and costly samples (guard off and on, short and long scenarios) and keeps the runner evenly busy,
 * and a run stopped early has samples in every cell rather than all of some and none of others.
 */
export function expandMatrix(
  options: Pick<EvalRunOptions, 'scenarios' | 'models' | 'targets' | 'guards' | 'epochs' | 'variants'>,
) {
  const samples: { key: SampleKey; scenario: Scenario; variant: Scenario['variants'][number]; model: EvalModel }[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (const scenario of options.scenarios) {
      for (const variant of scenario.variants) {
        if (options.variants && !options.variants.includes(variant.id)) continue;
        for (const model of options.models) {
          for (const target of options.targets) {
            for (const guard of options.guards) {
              samples.push({
                key: { scenario: scenario.id, variant: variant.id, model: model.spec, target, guard, epoch },
                scenario,
                variant,
                model,
              });
            }
          }
        }
      }
    }
  }
  return samples;
}

const maxSampleHeaderBytes = 16 * 1024 * 1024;
// What summaries read of a sample's header line; versions 1 to 3 share it (2 adds the effect log to the state, 3
// writes the trace as audit events).
const sampleHeaderSchema = z.looseObject({
  schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(sampleRecordSchemaVersion)]),
  key: z.strictObject({
    scenario: z.string(),
    variant: z.string(),
    model: z.string(),
    target: z.enum(targetProfileNames),
    guard: z.enum(['off', 'on']),
    epoch: z.number().int().min(0),
  }),
  problem: z.number().int(),
  error: z.string().optional(),
  metrics: z.array(z.strictObject({ metric: z.string(), value: z.number().nullable(), explanation: z.string() })),
});

/** Reads the completed samples of a run folder; errored samples are not complete (they run again). */
export function readSamples(outDir: string): SampleRecord[] {
  const folder = samplesFolder(outDir);
  if (!existsSync(folder)) return [];
  const records: SampleRecord[] = [];
  for (const file of readdirSync(folder).sort()) {
    if (!file.endsWith('.jsonl')) continue;
    // Only the header line is needed: a sample's transcript and audit log can be long.
    const header = readFirstLine(join(folder, file), 'sample', maxSampleHeaderBytes);
    if (!header) continue;
    const parsed = parseWithSchema(sampleHeaderSchema, parseJsonLine(header, file), `sample ${file}`);
    records.push({ trace: [], transcript: [], audit: [], ...parsed } as SampleRecord);
  }
  return records;
}

function parseJsonLine(line: string, file: string): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw new InvalidInputError(`Sample ${file} has a header that is not JSON: ${(error as Error).message}`);
  }
}

/**
 * One sample's log: a header line with the key, metrics and error, then one line per trace event,
 * transcript message and audit entry. Written to a temporary file and renamed, so a crash never
 * leaves a half-written sample that a resumed run would trust. The writes go through the thread
 * pool: the file system's time is not the runner's.
 */
async function writeSample(folder: string, record: SampleRecord): Promise<void> {
  const { trace, transcript, audit, state, ...header } = record;
  const lines = [
    JSON.stringify({ ...header, trace, state }),
    ...transcript.map((message) => JSON.stringify({ transcript: message })),
    ...audit.map((entry) => JSON.stringify({ audit: entry })),
  ];
  const path = join(folder, `${sampleId(record.key)}.jsonl`);
  await writeFile(`${path}.tmp`, `${lines.join('\n')}\n`);
  await rename(`${path}.tmp`, path);
}

export async function runEvalMatrix(options: EvalRunOptions): Promise<EvalRunResult> {
  mkdirSync(options.outDir, { recursive: true });
  recordRunMetadata(options.outDir, options.models);
  const samples = expandMatrix(options);
  const done = new Set(
    readSamples(options.outDir)
      .filter((record) => record.error === undefined)
      .map((record) => sampleId(record.key)),
  );
  const pending = samples.filter((sample) => !done.has(sampleId(sample.key)));
  const resumed = samples.length - pending.length;
  const folder = samplesFolder(options.outDir);
  mkdirSync(folder, { recursive: true });
  const cache = new ResponseCache(join(options.outDir, 'cache.db'));
  const charters = createScenarioCharters();
  let finished = resumed;
  let errors = 0;
  let cacheHits = 0;
  options.onProgress?.({ done: finished, total: samples.length, skipped: resumed });

  let next = 0;
  async function worker(): Promise<void> {
    while (next < pending.length) {
      const sample = pending[next++]!;
      options.signal?.throwIfAborted();
      const provider = cache.wrap(sample.model.provider, sample.key.epoch);
      const record = await runSample({
        key: sample.key,
        scenario: sample.scenario,
        variant: sample.variant,
        charter: charters.get(sample.scenario, sample.key.target),
        provider,
        runners: options.runners,
        judge: options.judge,
        signal: options.signal,
      });
      cacheHits += provider.hits;
      if (record.error !== undefined) errors += 1;
      await writeSample(folder, record);
      finished += 1;
      options.onProgress?.({ done: finished, total: samples.length, skipped: resumed, record });
    }
  }
  let releaseShellDefenses = () => {};
  try {
    releaseShellDefenses = holdShellDefenses();
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, pending.length)) }, worker));
  } finally {
    releaseShellDefenses();
    cache.close();
  }
  return { total: samples.length, ran: pending.length, resumed, errors, cacheHits };
}
