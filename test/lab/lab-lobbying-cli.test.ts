import { describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';

describe('heed lab lobbying', () => {
  it('prints the published f0 trace at L = 0.5 as JSON', async () => {
    const run = await runHeed(['lab', 'lobbying', '--agent', 'f0', '--power', '0.5', '--json']);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { trace: string; utility: number };
    expect(output.trace).toBe('>>>>>>>>>>>p#eeeeeeeeeeeee');
    expect(output.utility).toBeGreaterThan(0);
  });

  it('prints a readable summary without --json', async () => {
    const run = await runHeed(['lab', 'lobbying', '--agent', 'fc', '--power', '2']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pppppp#eeeeeeeeeeeeeeeeeee');
    expect(run.stdout).toContain('end of step 6');
  });

  it.each([
    [['--agent', 'f9', '--power', '1'], /Known agents: f0, fc, if-last, if-ranked/],
    [['--agent', 'f0', '--power', '-1'], /plain decimal number ≥ 0/],
    [['--agent', 'f0', '--power', 'lots'], /plain decimal number ≥ 0/],
    [['--agent', 'f0'], /Missing --power/],
    [['--power', '1'], /Missing --agent/],
  ])('exits 2 with a clear error for %j', async (args, message) => {
    const run = await runHeed(['lab', 'lobbying', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
