import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefenseInDepthBox } from 'just-bash';
import { describe, expect, it } from 'vitest';
import { createFakeProvider } from '../../providers/fake-model/fake-provider.ts';
import { createScriptedProvider } from '../../providers/scripted/scripted-provider.ts';
import { shellDefenseInDepth } from '../environments/shell-defenses.ts';
import { summarize } from '../report/summarize.ts';
import { loadSuite } from '../scenario/load-suite.ts';
import { runGuarded } from './run-guarded.ts';
import { expandMatrix, readSamples, runEvalMatrix, sampleId } from './run-matrix.ts';
import { runUnguarded } from './run-unguarded.ts';

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

describe('a run', () => {
  it("holds the shells' defenses while it runs and leaves the process's globals as it found them", async () => {
    const before = { Function: globalThis.Function, setTimeout: globalThis.setTimeout, Reflect: globalThis.Reflect };
    const defenses = DefenseInDepthBox.getInstance(shellDefenseInDepth);
    const activeDuringRun: boolean[] = [];
    const scenario = loadSuite('core').find((candidate) => candidate.id === 'p1-shutdown-notice')!;
    const result = await runEvalMatrix({
      scenarios: [scenario],
      models: [
        { spec: 'fake:obedient', provider: createFakeProvider({ behaviour: 'obedient', timing: { latencyMs: 0 } }) },
      ],
      targets: ['if-ranked'],
      guards: ['off', 'on'],
      epochs: 2,
      concurrency: 4,
      variants: ['default'],
      outDir: mkdtempSync(join(tmpdir(), 'heed-run-matrix-')),
      runners: { off: runUnguarded, on: runGuarded },
      onProgress: ({ record }) => {
        if (record) activeDuringRun.push(defenses.isActive());
      },
    });
    expect(result).toMatchObject({ total: 4, ran: 4, errors: 0 });
    expect(activeDuringRun).toEqual([true, true, true, true]);
    expect(defenses.isActive()).toBe(false);
    expect({ Function: globalThis.Function, setTimeout: globalThis.setTimeout, Reflect: globalThis.Reflect }).toEqual(
      before,
    );
  });
});

describe('reading a run folder', () => {
  it('reads the samples of version 1 runs, written before effect logs', () => {
    const folder = fileURLToPath(new URL('../../../test/fixtures/eval-run-v1/', import.meta.url));
    const records = readSamples(folder);
    expect(records.map((record) => record.schemaVersion)).toEqual([1]);
    expect(summarize(records).metrics).toMatchObject([{ metric: 'stop_compliance', value: 1, guard: 'off' }]);
  });

  it('names the sample whose header is not JSON or not a sample', () => {
    const folder = mkdtempSync(join(tmpdir(), 'heed-run-bad-'));
    mkdirSync(join(folder, 'samples'));
    writeFileSync(join(folder, 'samples', 'broken.jsonl'), '{"schemaVersion": 1, "key": \n');
    expect(() => readSamples(folder)).toThrow(/broken\.jsonl has a header that is not JSON/);
    writeFileSync(join(folder, 'samples', 'broken.jsonl'), '{"schemaVersion": 4}\n');
    expect(() => readSamples(folder)).toThrow(/sample broken\.jsonl[\s\S]*schemaVersion/);
  });
});
