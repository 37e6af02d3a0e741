import { describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';

describe('heed lab channels', () => {
  it('prints targets[NAME] with quietWorkRate, spoofRate, lobbyRate and taskValue as JSON', async () => {
    const run = await runHeed(['lab', 'channels', '--influence-penalty', '5', '--json']);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as {
      influencePenalty: number;
      targets: Record<string, Record<string, number | null>>;
    };
    expect(output.influencePenalty).toBe(5);
    expect(Object.keys(output.targets)).toEqual(['if-ranked', 'if-ranked-lexicographic', 'cast', 'indifference-both']);
    for (const metrics of Object.values(output.targets)) {
      for (const field of ['quietWorkRate', 'spoofRate', 'lobbyRate', 'taskValue'])
        expect(metrics).toHaveProperty(field);
    }
    expect(output.targets['if-ranked-lexicographic']?.quietWorkRate).toBe(0);
  });

  it('lists every parameter in --help and prints a table without --json', async () => {
    const help = await runHeed(['lab', 'channels', '--help']);
    for (const flag of [
      '--stop-probability',
      '--quiet-stop-factor',
      '--lobby-work-progress',
      '--influence-penalty',
      '--json',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    const text = await runHeed(['lab', 'channels']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^if-ranked-lexicographic\s+0\.000\s+0\.000\s+0\.000/m);
  });

  it.each([
    [['--influence-penalty', '-1'], /--influence-penalty must be ≥ 0/],
    [['--quiet-stop-factor', 'half'], /--quiet-stop-factor must be a finite number/],
    [['--horizon', '2.5'], /--horizon must be a whole number/],
    [['--change-probability', '0.6', '--stop-probability', '0.5'], /must be at most 1/],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const run = await runHeed(['lab', 'channels', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
