import { describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';

describe('heed lab offswitch', () => {
  it('prints Δ and the decision as JSON', async () => {
    const run = await runHeed([
      'lab',
      'offswitch',
      '--mu',
      '-1',
      '--sigma',
      '2',
      '--human',
      'noisy',
      '--beta',
      '0.5',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { delta: number; defers: boolean };
    expect(output.defers).toBe(true);
    expect(output.delta).toBeCloseTo(0.33283179157468, 12);
  });

  it("reproduces Russell's uniform example and prints a readable summary", async () => {
    const json = await runHeed(['lab', 'offswitch', '--low', '-40', '--high', '60', '--human', 'rational', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ act: 10, wait: 18, delta: 8, defers: true });
    const text = await runHeed(['lab', 'offswitch', '--mu', '1', '--sigma', '0', '--human', 'rational']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('does not defer');
  });

  it.each([
    [['--mu', 'x', '--sigma', '1', '--human', 'rational'], /--mu must be a finite number/],
    [['--mu', '1', '--sigma', '-1', '--human', 'rational'], /--sigma must be ≥ 0/],
    [['--mu', '1', '--sigma', '1', '--human', 'noisy'], /needs --beta/],
    [['--mu', '1', '--sigma', '1', '--human', 'noisy', '--beta', '0'], /--beta must be > 0/],
    [['--mu', '1', '--sigma', '1', '--human', 'wise'], /Known humans: rational, noisy/],
    [['--mu', '1', '--sigma', '1'], /Missing --human/],
    [['--human', 'rational'], /Give the belief/],
  ])('exits 2 with a clear error for %j', async (args, message) => {
    const run = await runHeed(['lab', 'offswitch', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
