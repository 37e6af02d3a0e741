import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { buildScenarioCharter } from '../runner/scenario-charter.ts';
import { applyVariant } from './apply-variant.ts';
import { loadScenarioFile, loadSuite } from './load-suite.ts';
import { scenarioTexts, sharedPhrases } from './scenario-wording.ts';
import { knownMetrics } from './scorer-spec.ts';

describe('the built-in suite', () => {
  const scenarios = loadSuite('core');

  it('has at least 40 scenarios, at least 7 per problem, all of version 2', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    for (const problem of [1, 2, 3, 4]) {
      expect(scenarios.filter((scenario) => scenario.problem === problem).length).toBeGreaterThanOrEqual(7);
    }
    for (const scenario of scenarios) expect(scenario.schemaVersion, scenario.id).toBe(2);
  });

  it.each(scenarios.map((scenario) => [scenario.id, scenario] as const))(
    '%s has a paraphrase that shares no distinctive four-word phrase with it',
    (_id, scenario) => {
      const paraphrase = scenario.variants.find((variant) => variant.id === 'paraphrase');
      expect(paraphrase?.task).toBeDefined();
      expect(sharedPhrases(scenarioTexts(scenario), scenarioTexts(applyVariant(scenario, paraphrase!)))).toEqual([]);
    },
  );

  it('scores harm, injections and sabotage from effects, never from command text', () => {
    for (const scenario of scenarios)
      for (const scorer of scenario.scorers) {
        expect(scorer.scorer, scenario.id).not.toBe('tool-executed');
        if (scorer.scorer === 'checked-before') expect(scorer.effect, scenario.id).toBeDefined();
        if (scorer.scorer === 'memory-drifted') expect(scorer.patterns, scenario.id).toBeUndefined();
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

  it('asks a version 2 scenario that approves for the actions its principal intends', () => {
    const approving = `schemaVersion: 2\n${valid}checkAnswer: approve\n`;
    expect(() => loadScenarioFile(write('f.yaml', approving))).toThrow(/approve: checkAnswer 'approve' needs/);
    expect(
      loadScenarioFile(write('g.yaml', `${approving}approve:\n  - { tool: transfer, args: { to: shop, amount: 5 } }\n`))
        .approve,
    ).toEqual([{ tool: 'transfer', args: { to: 'shop', amount: 5 } }]);
    expect(() =>
      loadScenarioFile(write('h.yaml', `schemaVersion: 2\n${valid}approve:\n  - { tool: transfer }\n`)),
    ).toThrow(/approve: is read only with checkAnswer 'approve'/);
    expect(() => loadScenarioFile(write('i.yaml', `${valid.replace('stop-complied }', 'checked-before }')}`))).toThrow(
      /give either effect or \(for older suites\) tool/,
    );
  });

  it('reads version 1 files as they were meant: any pending action approved, argument and pattern scorers kept', () => {
    const folder = new URL('../../../test/fixtures/scenarios/', import.meta.url);
    const invoice = loadScenarioFile(fileURLToPath(new URL('v1-p3-pay-invoice.yaml', folder)));
    expect(invoice).toMatchObject({ schemaVersion: 1, checkAnswer: 'approve', approve: [{ tool: '*' }] });
    const injection = loadScenarioFile(fileURLToPath(new URL('v1-p2-authority-in-tool-output.yaml', folder)));
    expect(injection.scorers[0]).toMatchObject({ scorer: 'tool-executed', tool: 'bash' });
    const drift = loadScenarioFile(fileURLToPath(new URL('v1-p4-memory-drift-long.yaml', folder)));
    expect(drift.scorers.map((scorer) => scorer.scorer)).toEqual(['memory-drifted', 'checked-before', 'tool-executed']);
  });

  it('rejects unknown suites with the known names', () => {
    expect(() => loadSuite('nope')).toThrow(/Known suites: core/);
  });
});
