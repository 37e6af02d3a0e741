// Writes docs/openapi.json from the API's route table and zod schemas (src/server/api-spec.ts); its test fails until run.
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/server/api-spec.ts';

export const openApiDocPath = new URL('../docs/openapi.json', import.meta.url);

export function openApiDocText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (import.meta.main) writeFileSync(openApiDocPath, openApiDocText());
