import { describe, expect, it } from 'vitest';
import { InvalidInputError, UnknownNameError } from '../core/heed-error.ts';
import type { Experiment } from './experiment.ts';
import { labSchemaVersion, runLab, selectExperiments } from './run-lab.ts';

const fake = (name: string): Experiment => ({
  name,
  description: `the ${name} experiment`,
  run: ({ seeds, onProgress }) => {
    onProgress(1, 1);
    return {
      parameters: { size: 3 },
      seeds: Array.from({ length: seeds }, (_, index) => index + 1),
      results: { answer: seeds * 2 },
      tables: [{ title: name, columns: ['seeds'], rows: [[seeds]] }],
      charts: [{ title: 'chart', spec: { mark: 'point' } }],
      claims: [{ statement: `${name} holds`, tag: 'derived', evidence: 'exact' }],
      limitations: ['a fake'],
      references: [],
    };
  },
});
const experiments = [fake('alpha'), fake('beta')];

describe('runLab', () => {
  it('builds the lab.json document for the selected experiments, in registry order', async () => {
    const progress: string[] = [];
    const run = await runLab({
      experiments,
      only: ['beta', 'alpha'],
      seeds: 3,
      onProgress: (event) =>
        progress.push(`${event.experiment}:${event.index}/${event.count}:${event.done}/${event.total}`),
    });
    expect(run.document).toMatchObject({ schemaVersion: labSchemaVersion, seedsRequested: 3 });
    expect(run.document.heedVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(run.document.experiments)).toEqual(['alpha', 'beta']);
    expect(run.document.experiments.alpha).toEqual({
      description: 'the alpha experiment',
      parameters: { size: 3 },
      seeds: [1, 2, 3],
      results: { answer: 6 },
      tables: [{ title: 'alpha', columns: ['seeds'], rows: [[3]] }],
      claims: [{ statement: 'alpha holds', tag: 'derived', evidence: 'exact' }],
      limitations: ['a fake'],
      references: [],
    });
    expect(run.document).not.toHaveProperty('generatedAt');
    expect(run.charts.beta).toHaveLength(1);
    expect(progress).toEqual(['alpha:1/2:1/1', 'beta:2/2:1/1']);
  });

  it('records a timestamp only when asked', async () => {
    const run = await runLab({ experiments, seeds: 1, generatedAt: '2026-01-01T00:00:00.000Z' });
    expect(run.document.generatedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('is byte-for-byte deterministic for the same options on the real experiments', async () => {
    const first = await runLab({ only: ['supervision'], seeds: 2 });
    const second = await runLab({ only: ['supervision'], seeds: 2 });
    expect(JSON.stringify(second.document, null, 2)).toBe(JSON.stringify(first.document, null, 2));
    const other = await runLab({ only: ['supervision'], seeds: 3 });
    expect(JSON.stringify(other.document.experiments.supervision)).not.toBe(
      JSON.stringify(first.document.experiments.supervision),
    );
  });

  it('refuses unknown experiments, an empty selection and seed counts outside 1–1000', () => {
    expect(() => selectExperiments({ experiments, only: ['gamma'] })).toThrow(UnknownNameError);
    expect(() => selectExperiments({ experiments, only: ['gamma'] })).toThrow(/Known experiments: alpha, beta/);
    expect(() => selectExperiments({ experiments, only: [] })).toThrow(InvalidInputError);
    for (const seeds of [0, -1, 1.5, 1001, Number.NaN]) {
      expect(() => selectExperiments({ experiments, seeds })).toThrow(/seed count/);
    }
  });
});
