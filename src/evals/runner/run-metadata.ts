// run.json in an eval run folder: which models answered, with which sampling settings, under which heed. A run
// resumed with other settings would mix two experiments in one summary, so it is refused.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../../core/canonical-json.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { heedVersion } from '../../core/heed-version.ts';
import { parseWithSchema } from '../../core/parse-with-schema.ts';
import type { Provider } from '../../providers/provider.ts';

export const runMetadataSchemaVersion = 1;

const settingsSchema = z.object({
  temperature: z.number().optional(),
  maxTokens: z.number().optional(),
  seed: z.number().optional(),
});

export const runMetadataSchema = z.object({
  schemaVersion: z.literal(runMetadataSchemaVersion),
  heedVersion: z.string(),
  models: z.array(z.object({ spec: z.string(), provider: z.string(), settings: settingsSchema })),
});
export type RunMetadata = z.output<typeof runMetadataSchema>;

/** Writes run.json for a new run folder, or checks that a resumed run asks its models what the first run did. */
export function recordRunMetadata(
  outDir: string,
  models: readonly { spec: string; provider: Provider }[],
): RunMetadata {
  const path = join(outDir, 'run.json');
  const metadata: RunMetadata = {
    schemaVersion: runMetadataSchemaVersion,
    heedVersion: heedVersion(),
    models: models.map((model) => ({
      spec: model.spec,
      provider: model.provider.id,
      settings: model.provider.settings ?? {},
    })),
  };
  if (existsSync(path)) {
    const recorded = parseWithSchema(runMetadataSchema, JSON.parse(readFileSync(path, 'utf8')), path);
    const settingsBySpec = new Map(recorded.models.map((model) => [model.spec, canonicalJson(model.settings)]));
    for (const model of metadata.models) {
      const before = settingsBySpec.get(model.spec);
      if (before !== undefined && before !== canonicalJson(model.settings)) {
        throw new InvalidInputError(
          `${outDir} holds samples of ${model.spec} with settings ${before}, not ${canonicalJson(model.settings)}; resume with the same settings or use another --out.`,
        );
      }
    }
    const known = new Set(recorded.models.map((model) => model.spec));
    metadata.models = [...recorded.models, ...metadata.models.filter((model) => !known.has(model.spec))];
  }
  writeFileSync(`${path}.tmp`, `${JSON.stringify(metadata, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return metadata;
}
