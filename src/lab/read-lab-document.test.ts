import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/heed-error.ts';
import { readLabDocument } from './read-lab-document.ts';
import { runLab } from './run-lab.ts';

const fixture = readFileSync(new URL('../../test/fixtures/lab/lab-v1.json', import.meta.url), 'utf8');
const fixtureV2 = readFileSync(new URL('../../test/fixtures/lab/lab-v2.json', import.meta.url), 'utf8');

describe('readLabDocument', () => {
  it('reads the released schemaVersion 1 fixture', () => {
    const document = readLabDocument(fixture);
    expect(document.schemaVersion).toBe(1);
    expect(document.experiments.supervision?.tables.length).toBeGreaterThan(0);
  });

  it('reads the released schemaVersion 2 fixture, with claims, limitations and references', () => {
    const document = readLabDocument(fixtureV2);
    expect(document.schemaVersion).toBe(2);
    if (document.schemaVersion !== 2) throw new Error('unreachable');
    const supervision = document.experiments.supervision;
    expect(supervision?.claims.length).toBeGreaterThan(0);
    expect(supervision?.claims.every((claim) => ['by-construction', 'derived', 'empirical'].includes(claim.tag))).toBe(
      true,
    );
    expect(supervision?.references.length).toBeGreaterThan(0);
  });

  it('reads what runLab writes today', async () => {
    const run = await runLab({ only: ['supervision'], seeds: 1, generatedAt: '2026-01-01T00:00:00.000Z' });
    expect(readLabDocument(JSON.stringify(run.document))).toEqual(run.document);
  });

  it('names what is wrong in a damaged document', () => {
    const damaged = JSON.parse(fixture);
    damaged.experiments.supervision.tables[0].rows = 'none';
    expect(() => readLabDocument(JSON.stringify(damaged))).toThrow(/experiments\.supervision\.tables\[0\]\.rows/);
    expect(() => readLabDocument('{')).toThrow(/not valid JSON/);
    expect(() => readLabDocument('{"schemaVersion": 3}')).toThrow(InvalidInputError);
    expect(() => readLabDocument('{"schemaVersion": 3}')).toThrow(/this heed reads 1 and 2/);
    const badTag = JSON.parse(fixtureV2);
    badTag.experiments.supervision.claims[0].tag = 'obvious';
    expect(() => readLabDocument(JSON.stringify(badTag))).toThrow(/experiments\.supervision\.claims\[0\]\.tag/);
    // A version 2 document must carry the fields version 2 added.
    const missing = JSON.parse(fixtureV2);
    delete missing.experiments.supervision.limitations;
    expect(() => readLabDocument(JSON.stringify(missing))).toThrow(/limitations/);
  });
});
