import { describe, expect, it } from 'vitest';
import { charterExperiment } from './charter.ts';
import { experiments } from './index.ts';
import { lobbyingExperiment } from './lobbying.ts';
import { offSwitchExperiment } from './off-switch.ts';

const context = { seeds: 3, onProgress: () => {} };

describe('the off-switch, lobbying and charter experiments', () => {
  it('are registered with heed lab', () => {
    const names = experiments.map((experiment) => experiment.name);
    expect(names).toEqual(expect.arrayContaining(['off-switch', 'lobbying', 'charter']));
  });

  it.each([offSwitchExperiment, lobbyingExperiment, charterExperiment])(
    '$name is deterministic and well formed',
    async (experiment) => {
      const first = await experiment.run(context);
      const second = await experiment.run(context);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      expect(first.tables.length).toBeGreaterThan(0);
      for (const table of first.tables) {
        for (const row of table.rows) expect(row).toHaveLength(table.columns.length);
      }
      expect(first.charts.length).toBeGreaterThan(0);
      for (const chart of first.charts) expect(JSON.stringify(chart.spec)).toContain('vega-lite');
    },
  );

  it('off-switch: every known result holds on the grid, and the claims are tagged', async () => {
    const output = await offSwitchExperiment.run(context);
    expect(output.results).toMatchObject({
      russell: { act: 10, wait: 18, delta: 8 },
      noisy: { criterionMismatches: 0, nonMonotone: { mean: 3, beta: 0.2 } },
    });
    const results = output.results as {
      rational: { oneSignedUniformDeltas: Array<{ delta: number }> };
      noisy: { nonMonotone: { minimumAt: number; crossing: number }; maximumThresholdRatioError: number };
    };
    expect(results.rational.oneSignedUniformDeltas.every((belief) => belief.delta === 0)).toBe(true);
    expect(results.noisy.nonMonotone.minimumAt).toBeGreaterThan(0.9);
    expect(results.noisy.nonMonotone.crossing).toBeCloseTo(Math.sqrt(1.2), 9);
    expect(results.noisy.maximumThresholdRatioError).toBeLessThan(1e-6);
    expect(output.claims.every((claim) => claim.tag === 'derived')).toBe(true);
    // The corrected reason: nothing claims Δ rises with σ any more.
    expect(JSON.stringify(output)).not.toMatch(/rises with σ/);
  });

  it('lobbying: f0 lobbies from L = 0.1 on, fc and if-ranked never do', async () => {
    const output = await lobbyingExperiment.run(context);
    const agents = (
      output.results as { agents: Record<string, Record<string, { lobbyingSteps: number; pressStep: number | null }>> }
    ).agents;
    expect(agents.f0?.['0']?.lobbyingSteps).toBe(0);
    for (const power of ['0.1', '0.5', '1', '5']) expect(agents.f0?.[power]?.lobbyingSteps).toBeGreaterThan(0);
    for (const agent of ['fc', 'if-ranked']) {
      for (const run of Object.values(agents[agent] ?? {}))
        expect(run).toMatchObject({ lobbyingSteps: 0, pressStep: 6 });
    }
  });
});
