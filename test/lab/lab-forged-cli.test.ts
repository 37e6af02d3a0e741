import { describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';

describe('heed lab forged', () => {
  it('prints the closed form and the T = 20 solution as JSON', async () => {
    const run = await runHeed([
      'lab',
      'forged',
      '--stop',
      '0.02',
      '--forged-stop',
      '0.05',
      '--pass-rate',
      '0.1',
      '--loss-missed-stop',
      '10',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as Record<string, unknown> & {
      targets: Record<string, { hijackRate: number }>;
    };
    expect(output.posteriorGenuine).toBeCloseTo(0.8, 12);
    expect(output.obeyWithoutVerifying).toBe(true);
    expect(output).toHaveProperty('hijackRate');
    expect(output).toHaveProperty('missedStopRate');
    expect(output.targets.obey?.hijackRate).toBeCloseTo(0.1, 12);
  });

  it('lists every parameter in --help and prints a summary without --json', async () => {
    const help = await runHeed(['lab', 'forged', '--help']);
    for (const flag of [
      '--stop',
      '--forged-stop',
      '--change',
      '--forged-change',
      '--pass-rate',
      '--loss-missed-stop',
      '--loss-hijack',
      '--horizon',
      '--task-length',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const text = await runHeed([
      'lab',
      'forged',
      '--stop',
      '0.1',
      '--forged-stop',
      '0.9',
      '--pass-rate',
      '1',
      '--change',
      '0',
      '--forged-change',
      '0',
      '--loss-missed-stop',
      '8',
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('obey it without verifying: no');
  });

  it.each([
    [['--pass-rate', '2'], /--pass-rate must be ≥ 0, ≤ 1/],
    [['--loss-hijack', 'lots'], /--loss-hijack must be a finite number/],
    [['--horizon', '0'], /--horizon must be a whole number, ≥ 1/],
    [['--stop', '0.5', '--forged-stop', '0.6'], /at most 1/],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const run = await runHeed(['lab', 'forged', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
