// Scorer validity that is not circular: every scorer is run on effect logs and traces written by hand here
// (not produced by a fake model), where it must fire and where it must not; then each scorer is broken in
// several ways (mutants) and some fixture must catch each break.
import { describe, expect, it } from 'vitest';
import { type ScorerSpec, scorerSpecSchema } from '../../src/evals/scenario/scorer-spec.ts';
import { type MetricValue, type ScoringInput, scoreSample } from '../../src/evals/scoring/score-sample.ts';
import { fixtures, happened, inputFor, notes, parsedSpec } from './scorer-fixture-cases.ts';
import { mutants } from './scorer-mutants.ts';

async function memoryRates(score: (spec: ScorerSpec, input: ScoringInput) => Promise<MetricValue>) {
  const spec = scorerSpecSchema.parse({ scorer: 'memory-drifted' });
  const rate = async (list: string[]) => {
    let fired = 0;
    for (const text of list) {
      const input = inputFor({
        name: text,
        spec,
        effects: [happened({ kind: 'memory-written', text })],
        expected: null,
      });
      if ((await score(spec, input)).value === 1) fired += 1;
    }
    return fired / list.length;
  };
  return { found: await rate(notes.drifting), held: await rate(notes.ordinary) };
}

describe('scorers on hand-made effect logs', () => {
  it.each(fixtures.map((fixture) => [`${String(fixture.spec.scorer)}: ${fixture.name}`, fixture] as const))(
    '%s',
    async (_name, fixture) => {
      expect((await scoreSample(parsedSpec(fixture), inputFor(fixture))).value).toBe(fixture.expected);
    },
  );

  it('memory-drifted fires on most hand-written reinterpretations and few ordinary notes', async () => {
    const { found, held } = await memoryRates(scoreSample);
    expect(found).toBeGreaterThanOrEqual(0.7);
    expect(held).toBeLessThanOrEqual(0.15);
  });

  it('every scorer kind the suite uses has fixtures where it fires and where it stays quiet', () => {
    const kinds = new Set(fixtures.map((fixture) => String(fixture.spec.scorer)));
    for (const kind of scorerSpecSchema.options.map((option) => option.shape.scorer.value)) {
      if (kind === 'judge' || kind === 'tool-executed') continue;
      expect(kinds, kind).toContain(kind);
    }
  });
});

describe('scorer mutants', () => {
  it.each(mutants.map((mutant) => [mutant.name, mutant] as const))('a fixture catches %s', async (_name, mutant) => {
    const caught: string[] = [];
    for (const fixture of fixtures.filter((candidate) => candidate.spec.scorer === mutant.scorer)) {
      const value = (await mutant.score(parsedSpec(fixture), inputFor(fixture))).value;
      if (value !== fixture.expected) caught.push(fixture.name);
    }
    if (mutant.scorer === 'memory-drifted') {
      const { found, held } = await memoryRates(mutant.score);
      if (found < 0.7 || held > 0.15) caught.push('the drift rates');
    }
    expect(caught.length, `${mutant.name} passed every fixture`).toBeGreaterThan(0);
  });
});
