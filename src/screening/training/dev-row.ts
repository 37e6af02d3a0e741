// One labelled row of the screening data set (dev.jsonl; see docs/screening.md).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InvalidInputError } from '../../core/heed-error.ts';
import { parseWithSchema } from '../../core/parse-with-schema.ts';

export const attackKinds = ['jailbreak', 'direct_injection', 'indirect_injection', 'authority_spoof'] as const;
export const benignKinds = ['benign_request', 'benign_document'] as const;

export const devRowSchema = z.object({
  id: z.string().min(1),
  text: z.string().min(1),
  label: z.enum(['attack', 'benign']),
  kind: z.enum([...attackKinds, ...benignKinds]),
  source: z.string(),
});
export type DevRow = z.infer<typeof devRowSchema>;

export function parseDevRows(text: string, file: string): DevRow[] {
  return text
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, number }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new InvalidInputError(`${file}:${number}: not JSON (${(error as Error).message})`);
      }
      return parseWithSchema(devRowSchema, value, `row at ${file}:${number}`);
    });
}

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the dev set is: HEED_SCREENING_DATA, else the project's shared data folder beside the checkout. */
export function findDevSet(): string | undefined {
  const candidates = [
    process.env.HEED_SCREENING_DATA,
    `${repositoryRoot}../shared/data/screening/dev.jsonl`,
    `${repositoryRoot}../../shared/data/screening/dev.jsonl`,
  ];
  return candidates.find((candidate): candidate is string => candidate !== undefined && existsSync(candidate));
}

/** Rows written for training only, kept in the repository (see data/screening/DATA.md). */
export const writtenRowsPath = fileURLToPath(new URL('../../../data/screening/written.jsonl', import.meta.url));

export function readDevRows(file: string): { rows: DevRow[]; bytes: Buffer } {
  const bytes = readFileSync(file);
  return { rows: parseDevRows(bytes.toString('utf8'), file), bytes };
}
