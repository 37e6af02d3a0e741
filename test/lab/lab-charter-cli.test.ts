import { describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';

describe('heed lab charter', () => {
  it('prints the target table, and the same figures as JSON', async () => {
    const text = await runHeed(['lab', 'charter', '--weights', '0,1']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^if-ranked\s+0\.000\s+0\.000\s+0\.000\s+1\.000/m);
    const json = await runHeed(['lab', 'charter', '--weights', '0,1', '--answer-probability', '0', '--json']);
    expect(json.code).toBe(0);
    const output = JSON.parse(json.stdout) as {
      parameters: { answerProbability: number };
      targets: Record<string, { lobbyRate: number; blockStopRate: number }>;
      mixedSweep: unknown[];
    };
    expect(output.parameters.answerProbability).toBe(0);
    expect(output.targets['if-next']?.lobbyRate).toBeGreaterThan(0);
    expect(output.targets['if-next']?.blockStopRate).toBe(1);
    expect(output.mixedSweep).toHaveLength(2);
  });

  it.each([
    [['--stop-probability', '2'], /--stop-probability/],
    [['--horizon', 'x'], /--horizon must be a finite number/],
    [['--horizon', '2.5'], /--horizon/],
    [['--change-probability', '0.6', '--stop-probability', '0.5'], /must be at most 1/],
    [['--weights', '0,abc'], /--weights must be a finite number/],
    [['--weights', '0,1.5'], /--weights/],
  ])('exits 2 with a clear error for %j', async (args, message) => {
    const run = await runHeed(['lab', 'charter', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
