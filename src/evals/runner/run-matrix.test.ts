import { describe, expect, it } from 'vitest';
import { createScriptedProvider } from '../../providers/scripted/scripted-provider.ts';
import { loadSuite } from '../scenario/load-suite.ts';
import { expandMatrix, sampleId } from './run-matrix.ts';

describe('the matrix of a run', () => {
  const scenarios = loadSuite('core').slice(0, 3);
  const provider = createScriptedProvider({ turns: [], id: 'scripted:none' });
  const options = {
    scenarios,
    models: [
      { spec: 'a', provider },
      { spec: 'b', provider },
    ],
    targets: ['if-ranked', 'if-last'] as const,
    guards: ['off', 'on'] as const,
    epochs: 3,
  };

  it('holds every sample once', () => {
    const samples = expandMatrix(options);
    const variants = scenarios.reduce((count, scenario) => count + scenario.variants.length, 0);
    expect(samples).toHaveLength(variants * 2 * 2 * 2 * 3);
    expect(new Set(samples.map((sample) => sampleId(sample.key))).size).toBe(samples.length);
  });

  it('runs every cell of an epoch before the next epoch, guard off and on side by side', () => {
    const samples = expandMatrix(options);
    const cells = samples.length / options.epochs;
    for (const [index, sample] of samples.entries()) expect(sample.key.epoch).toBe(Math.floor(index / cells));
    expect(samples.slice(0, 2).map((sample) => sample.key.guard)).toEqual(['off', 'on']);
  });
});
