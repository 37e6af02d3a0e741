import { describe, expect, it } from 'vitest';
import { channelsExperiment } from './channels.ts';
import { charterExperiment } from './charter.ts';
import { driftExperiment } from './drift.ts';
import { dwimacExperiment } from './dwimac.ts';
import { forgedExperiment } from './forged.ts';
import { experiments } from './index.ts';
import { leaseExperiment } from './lease.ts';
import { lobbyingExperiment } from './lobbying.ts';
import { misuseExperiment } from './misuse.ts';
import { offSwitchExperiment } from './off-switch.ts';

const context = { seeds: 3, onProgress: () => {} };

const exactExperiments = [
  offSwitchExperiment,
  lobbyingExperiment,
  charterExperiment,
  channelsExperiment,
  forgedExperiment,
  leaseExperiment,
  dwimacExperiment,
  misuseExperiment,
  driftExperiment,
];

describe('the formal experiments and the newer ones', () => {
  it('are registered with heed lab, in the order it runs them', () => {
    const names = experiments.map((experiment) => experiment.name);
    expect(names).toEqual([
      'interruptibility',
      'supervision',
      'off-switch',
      'lobbying',
      'charter',
      'channels',
      'forged',
      'lease',
      'dwimac',
      'misuse',
      'drift',
    ]);
  });

  it.each(exactExperiments)(
    '$name is deterministic and well formed, with tagged claims, limitations and references',
    async (experiment) => {
      const first = await experiment.run(context);
      const second = await experiment.run(context);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      expect(first.tables.length).toBeGreaterThan(0);
      for (const table of first.tables) {
        for (const row of table.rows) expect(row).toHaveLength(table.columns.length);
      }
      for (const chart of first.charts) expect(JSON.stringify(chart.spec)).toContain('vega-lite');
      expect(first.claims.length).toBeGreaterThan(0);
      for (const claim of first.claims) {
        expect(['by-construction', 'derived', 'empirical']).toContain(claim.tag);
        expect(claim.evidence).not.toBe('');
      }
      expect(first.limitations.length).toBeGreaterThan(0);
      expect(first.references.length).toBeGreaterThan(0);
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
