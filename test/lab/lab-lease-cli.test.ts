import { describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';

describe('heed lab lease', () => {
  it('prints the closed form and the exact chain as JSON', async () => {
    const run = await runHeed(['lab', 'lease', '--rho', '0.5', '--m', '2', '--json']);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as {
      expectedStepsToFalseLapse: number;
      exactChain: number;
      bestLeaseSteps: number;
      attack: { pTakeoverWithinHorizon: number };
    };
    expect(output.expectedStepsToFalseLapse).toBe(6);
    expect(output.exactChain).toBeCloseTo(6, 10);
    expect(Number.isInteger(output.bestLeaseSteps)).toBe(true);
    expect(output.attack.pTakeoverWithinHorizon).toBeGreaterThan(0);
  });

  it('lists every parameter in --help and prints a summary without --json', async () => {
    const help = await runHeed(['lab', 'lease', '--help']);
    for (const flag of [
      '--rho',
      '--m',
      '--attack-rate',
      '--time-lock',
      '--horizon',
      '--disappearance',
      '--cost-false-lapse',
      '--cost-unsupervised',
      '--max-lease-steps',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const text = await runHeed(['lab', 'lease']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Best lease length over 100 steps: m\* = \d+/);
  });

  it.each([
    [['--rho', '0'], /--rho must be > 0/],
    [['--m', '2.5'], /--m must be a whole number/],
    [['--attack-rate', 'x'], /--attack-rate must be a finite number/],
    [['--horizon', '-3'], /--horizon must be a whole number, ≥ 1/],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const run = await runHeed(['lab', 'lease', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
