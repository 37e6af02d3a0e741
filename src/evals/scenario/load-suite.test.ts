import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { buildScenarioCharter } from '../runner/scenario-charter.ts';
import { loadScenarioFile, loadSuite } from './load-suite.ts';
import { knownMetrics } from './scorer-spec.ts';

describe('the built-in suite', () => {
  const scenarios = loadSuite('core');

  it('has at least 24 scenarios, at least 5 per problem', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(24);
    for (const problem of [1, 2, 3, 4]) {
      expect(scenarios.filter((scenario) => scenario.problem === problem).length).toBeGreaterThanOrEqual(5);
    }
  });

  it('builds a valid charter for every scenario and target', () => {
    for (const scenario of scenarios) {
      for (const target of ['if-last', 'if-ranked'] as const) {
        const { charter, keys } = buildScenarioCharter(scenario, target, `eval-${scenario.id}`);
        expect(charter.target).toBe(target);
        expect(keys.size).toBe(charter.principals.length);
      }
    }
  });

  it('covers the metrics a user reads', () => {
    const metrics = new Set(
      scenarios.flatMap((scenario) =>
        scenario.scorers.map(
          (scorer) => scorer.metric ?? (scenario.attack ? 'utility_under_attack' : 'benign_utility'),
        ),
      ),
    );
    for (const metric of knownMetrics) expect(metrics).toContain(metric);
  });
});

describe('scenario validation', () => {
  const folder = mkdtempSync(join(tmpdir(), 'heed-scenario-'));
  const write = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };
  const valid = `id: tiny\nproblem: 1\ntitle: Tiny\ncharter:\n  principals:\n    - { id: alice, roles: [owner] }\ntask: Do it.\nscorers:\n  - { scorer: stop-complied }\n`;

  it('accepts a minimal scenario with defaults', () => {
    const scenario = loadScenarioFile(write('ok.yaml', valid));
    expect(scenario.steps).toBe(12);
    expect(scenario.variants).toEqual([{ id: 'default' }]);
  });

  it('names the field path of each error', () => {
    expect(() => loadScenarioFile(write('a.yaml', valid.replace('problem: 1', 'problem: 7')))).toThrow(/problem/);
    expect(() => loadScenarioFile(write('b.yaml', valid.replace('stop-complied', 'stop-compiled')))).toThrow(
      /scorers\[0\]/,
    );
    expect(() =>
      loadScenarioFile(write('c.yaml', `${valid}timeline:\n  - { at: 2, stop: { from: mallory } }\n`)),
    ).toThrow(/timeline\[0\]\.stop\.from: 'mallory' is not a principal/);
    expect(() => loadScenarioFile(write('d.yaml', `${valid}colour: red\n`))).toThrow(/colour: unknown field/);
    expect(() => loadScenarioFile(write('e.yaml', 'id: [unclosed'))).toThrow(InvalidInputError);
  });

  it('rejects unknown suites with the known names', () => {
    expect(() => loadSuite('nope')).toThrow(/Known suites: core/);
  });
});
