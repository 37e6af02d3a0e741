// Reads a lab.json written by `heed lab`; every schemaVersion heed has written stays readable.
import { z } from 'zod';
import { InvalidInputError } from '../core/heed-error.ts';
import { parseWithSchema } from '../core/parse-with-schema.ts';
import { claimTags } from './experiment.ts';
import type { LabDocument } from './run-lab.ts';

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const tableSchema = z.strictObject({
  title: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(cellSchema)),
  note: z.string().exactOptional(),
});

const experimentV1Schema = z.strictObject({
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  seeds: z.array(z.number().int()),
  results: z.record(z.string(), z.unknown()),
  tables: z.array(tableSchema),
});

const experimentV2Schema = experimentV1Schema.extend({
  claims: z.array(z.strictObject({ statement: z.string(), tag: z.enum(claimTags), evidence: z.string() })),
  limitations: z.array(z.string()),
  references: z.array(z.string()),
});

const documentFields = {
  heedVersion: z.string(),
  generatedAt: z.string().exactOptional(),
  seedsRequested: z.number().int().min(1),
};

const labDocumentV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  ...documentFields,
  experiments: z.record(z.string(), experimentV1Schema),
});

const labDocumentV2Schema = z.strictObject({
  schemaVersion: z.literal(2),
  ...documentFields,
  experiments: z.record(z.string(), experimentV2Schema),
});

/** A lab.json of schemaVersion 1: experiments without claims, limitations or references. */
export type LabDocumentV1 = z.output<typeof labDocumentV1Schema>;

const readableVersions = [1, 2];

/** Parses and validates lab.json text of any released version; a wrong field is an InvalidInputError naming its path. */
export function readLabDocument(text: string): LabDocument | LabDocumentV1 {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`lab.json is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version === 1) return parseWithSchema(labDocumentV1Schema, value, 'lab.json');
  if (version === 2) return parseWithSchema(labDocumentV2Schema, value, 'lab.json') as LabDocument;
  throw new InvalidInputError(
    `Unsupported lab.json schemaVersion ${JSON.stringify(version)}; this heed reads ${readableVersions.join(' and ')}.`,
  );
}
