import { describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';

describe('heed lab dwimac', () => {
  it('prints delta and checks as JSON: Russell checks iff c < 8', async () => {
    const below = await runHeed([
      'lab',
      'dwimac',
      '--low',
      '-40',
      '--high',
      '60',
      '--human',
      'rational',
      '--cost',
      '7.5',
      '--json',
    ]);
    expect(below.code).toBe(0);
    expect(JSON.parse(below.stdout)).toMatchObject({ delta: 8, checks: true });
    const above = await runHeed([
      'lab',
      'dwimac',
      '--low',
      '-40',
      '--high',
      '60',
      '--human',
      'rational',
      '--cost',
      '8',
      '--json',
    ]);
    expect(JSON.parse(above.stdout)).toMatchObject({ delta: 8, checks: false });
  });

  it('a noisy human with σ² ≤ 2β|μ| is never checked, even at c = 0', async () => {
    const run = await runHeed([
      'lab',
      'dwimac',
      '--mu',
      '1',
      '--sigma',
      '0.9',
      '--human',
      'noisy',
      '--beta',
      '0.5',
      '--cost',
      '0',
      '--json',
    ]);
    expect(JSON.parse(run.stdout).checks).toBe(false);
    const text = await runHeed([
      'lab',
      'dwimac',
      '--mu',
      '1',
      '--sigma',
      '2',
      '--human',
      'noisy',
      '--beta',
      '0.5',
      '--cost',
      '0',
    ]);
    expect(text.stdout).toContain('The agent checks');
  });

  it('lists every parameter in --help', async () => {
    const help = await runHeed(['lab', 'dwimac', '--help']);
    for (const flag of ['--mu', '--sigma', '--low', '--high', '--human', '--beta', '--cost', '--json'])
      expect(help.stdout).toContain(flag);
  });

  it.each([
    [['--mu', '1', '--sigma', '1', '--human', 'rational'], /Missing --cost/],
    [['--mu', '1', '--sigma', '1', '--human', 'rational', '--cost', '-1'], /--cost must be ≥ 0/],
    [['--mu', '1', '--sigma', '1', '--human', 'rational', '--cost', 'free'], /--cost must be a finite number/],
    [['--mu', '1', '--sigma', '1', '--human', 'noisy', '--cost', '0'], /needs --beta/],
    [['--mu', 'x', '--sigma', '1', '--human', 'rational', '--cost', '0'], /--mu must be a finite number/],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const run = await runHeed(['lab', 'dwimac', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
