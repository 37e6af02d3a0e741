// Reads a lab.json written by `heed lab`; every schemaVersion heed has written stays readable.
import { z } from 'zod';
import { InvalidInputError } from '../core/heed-error.ts';
import { parseWithSchema } from '../core/parse-with-schema.ts';
import type { LabDocument } from './run-lab.ts';

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const tableSchema = z.strictObject({
  title: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(cellSchema)),
  note: z.string().exactOptional(),
});

const experimentSchema = z.strictObject({
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  seeds: z.array(z.number().int()),
  results: z.record(z.string(), z.unknown()),
  tables: z.array(tableSchema),
});

const labDocumentV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  heedVersion: z.string(),
  generatedAt: z.string().exactOptional(),
  seedsRequested: z.number().int().min(1),
  experiments: z.record(z.string(), experimentSchema),
});

/** Parses and validates lab.json text; a wrong field is an InvalidInputError naming its path. */
export function readLabDocument(text: string): LabDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`lab.json is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== 1) {
    throw new InvalidInputError(`Unsupported lab.json schemaVersion ${JSON.stringify(version)}; this heed reads 1.`);
  }
  return parseWithSchema(labDocumentV1Schema, value, 'lab.json');
}
