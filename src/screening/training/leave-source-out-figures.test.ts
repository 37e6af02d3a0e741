import { describe, expect, it } from 'vitest';
import { leaveSourceOutFigures, type ScoredRow } from './leave-source-out-figures.ts';
import { expectedCalibrationError, reliabilityTable } from './reliability-table.ts';
import { primarySourceFamily, sourceFamilies, templatedFamily } from './source-families.ts';

describe('source families', () => {
  it('group documentation sites, follow constructed rows to every part, and set templated rows apart', () => {
    expect(sourceFamilies('trpc/trpc:www/docs/a.md')).toEqual(['documentation sites']);
    expect(sourceFamilies('NVIDIA/garak:x.py + Arcanum-Sec/arc_pi_taxonomy:t.json')).toEqual([
      'NVIDIA/garak',
      'Arcanum-Sec/arc_pi_taxonomy',
    ]);
    expect(primarySourceFamily('NVIDIA/garak:x.py + Arcanum-Sec/arc_pi_taxonomy:t.json', 'authority_spoof')).toBe(
      templatedFamily,
    );
    expect(primarySourceFamily('microsoft/BIPIA:email.jsonl + attack.json', 'indirect_injection')).toBe(
      'microsoft/BIPIA',
    );
  });
});

describe('leaveSourceOutFigures', () => {
  const rows: ScoredRow[] = [];
  const scores: number[] = [];
  const add = (label: 0 | 1, kind: string, family: string, score: number) => {
    rows.push({ label, kind, family, defaultThreshold: 0.5 });
    scores.push(score);
  };
  for (let index = 0; index < 100; index += 1) add(0, 'benign_request', 'benign', index / 200);
  for (let index = 0; index < 30; index += 1) add(1, 'jailbreak', 'strong', 0.9);
  for (let index = 0; index < 30; index += 1) add(1, 'jailbreak', 'weak', index < 15 ? 0.9 : 0.1);
  for (let index = 0; index < 5; index += 1) add(1, 'jailbreak', 'tiny', 0);

  it('pools benign rows for the 1% threshold and reports the mean and the worst source of enough rows', () => {
    const figures = leaveSourceOutFigures(rows, scores);
    expect(figures.benign.all.flaggedAtDefault).toBe(0);
    const jailbreak = figures.kinds.jailbreak!;
    expect(jailbreak.sources.map((source) => source.family)).toEqual(['strong', 'weak']);
    expect(jailbreak.worstSource).toMatchObject({ family: 'weak', truePositiveRate: 0.5 });
    expect(jailbreak.meanSourceTruePositiveRate).toBe(0.75);
    expect(jailbreak.truePositiveRate).toBeCloseTo(45 / 65, 4);
    expect(figures.kinds.direct_injection!.rows).toBe(0);
  });
});

describe('reliabilityTable', () => {
  it('bins scores and compares predicted with observed rates', () => {
    const table = reliabilityTable([0.05, 0.05, 0.95, 0.95, 1], [0, 0, 1, 1, 1], 10);
    expect(table).toHaveLength(10);
    expect(table[0]).toMatchObject({ rows: 2, meanPredicted: 0.05, observedAttackRate: 0 });
    expect(table[9]).toMatchObject({ rows: 3, observedAttackRate: 1 });
    expect(expectedCalibrationError(table)).toBeCloseTo((2 * 0.05 + 3 * (1 - 2.9 / 3)) / 5, 4);
    expect(() => reliabilityTable([0.5], [])).toThrow(RangeError);
  });
});
