// The rules' prefilter must never change a verdict: every text a rule's pattern matches holds the rule's anchors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../normalize-text.ts';
import { findDevSet, readDevRows } from '../training/dev-row.ts';
import { createLiteralFinder } from './literal-finder.ts';
import type { Rule } from './rule.ts';
import { allRules, matchRules } from './rules-detector.ts';

const long = process.env.HEED_TEST_SIZE === 'long';
// Computed rules have anchors too; the dev-set test below checks theirs.
const anchored = allRules.filter((rule) => rule.anchors !== undefined && rule.pattern !== undefined);

function holdsAnchors(rule: Rule, lowered: string): boolean {
  return rule.anchors!.every((group) => group.some((literal) => lowered.includes(literal)));
}

/** The pattern without word boundaries (the generator cannot produce them); matches are re-checked on the real one. */
function generatorFor(rule: Rule): fc.Arbitrary<string> {
  const source = rule.pattern!.source.replaceAll('\\b', '');
  const text = fc.stringMatching(new RegExp(source));
  if (!rule.pattern!.flags.includes('i')) return text;
  // Case-blind patterns: flip the case of letters at random.
  return fc
    .tuple(text, fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }))
    .map(([value, flips]) =>
      Array.from(value, (character, index) => (flips[index % flips.length] ? character.toUpperCase() : character)).join(
        '',
      ),
    );
}

describe('rule anchors', () => {
  it('are given for every pattern rule', () => {
    expect(allRules.filter((rule) => rule.pattern !== undefined && rule.anchors === undefined)).toEqual([]);
    expect(anchored.length).toBeGreaterThanOrEqual(20);
  });

  it.each(anchored.map((rule) => [rule.id, rule] as const))(
    '%s: every generated match holds its anchors',
    (_id, rule) => {
      const numRuns = long ? 20_000 : 1000;
      let matched = 0;
      fc.assert(
        fc.property(generatorFor(rule), (text) => {
          const found = rule.pattern!.exec(text);
          if (found === null) return;
          matched += 1;
          expect(holdsAnchors(rule, found[0].toLowerCase()), `anchors missing from ${JSON.stringify(found[0])}`).toBe(
            true,
          );
        }),
        { numRuns, seed: 20261128 },
      );
      // The generator must actually exercise the pattern, or the property above proves nothing. Without word
      // boundaries some generated texts glue words together and miss; at least one in a hundred must match.
      expect(matched).toBeGreaterThanOrEqual(numRuns / 100);
    },
  );

  it.skipIf(findDevSet() === undefined)('change no rule verdict on the labelled dev set', () => {
    const { rows } = readDevRows(findDevSet()!);
    let differences = 0;
    let matches = 0;
    for (const row of rows) {
      for (const provenance of ['document', 'principal'] as const) {
        const context = {
          provenance,
          principals: ['alice', 'Bob Smith'],
          normalized: normalizeText(row.text),
          signal: undefined,
        };
        const filtered = matchRules(context).map((match) => match.rule);
        const unfiltered = matchRules(context, allRules, { prefilter: false }).map((match) => match.rule);
        matches += unfiltered.length;
        if (filtered.join() !== unfiltered.join()) differences += 1;
      }
    }
    expect(matches).toBeGreaterThan(500);
    expect(differences).toBe(0);
  });
});

describe('createLiteralFinder', () => {
  it('finds overlapping literals and literals that begin other literals', () => {
    const find = createLiteralFinder(['admin', 'administrator', 'sysadmin', 'in', 'or']);
    expect([...find('the sysadministrator')].sort()).toEqual(['admin', 'administrator', 'in', 'or', 'sysadmin']);
    expect([...find('nothing here')].sort()).toEqual(['in']);
    expect(find('').size).toBe(0);
  });

  it('treats regular-expression characters in literals as text', () => {
    const find = createLiteralFinder(['a.i.', '[🔓', ')']);
    expect([...find('hello a.i. [🔓 (x)')].sort()).toEqual([')', 'a.i.', '[🔓'].sort());
    expect(find('axixi').size).toBe(0);
  });

  it('refuses literals that are empty or not lowercase', () => {
    expect(() => createLiteralFinder(['Admin'])).toThrow(/lowercase/);
    expect(() => createLiteralFinder([''])).toThrow(/non-empty/);
  });
});
