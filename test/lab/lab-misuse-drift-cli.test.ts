import { describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';

const misuse = [
  'lab',
  'misuse',
  '--principals',
  '100',
  '--bad-fraction',
  '0.1',
  '--refusal',
  '0.5',
  '--retries',
  '2',
  '--p-catastrophe',
  '0.1',
];
const drift = ['lab', 'drift', '--delta', '0.1', '--s', '0.5', '--reset-every', '10'];

describe('heed lab misuse', () => {
  it('prints pCatastrophe and monteCarlo {estimate, low, high} as JSON, reproducibly from --seed', async () => {
    const run = await runHeed([...misuse, '--samples', '4000', '--seed', '3', '--json']);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output.pCatastrophe).toBeCloseTo(1 - (1 - 0.1 * 0.75) ** 10, 12);
    expect(output.monteCarlo.low).toBeLessThanOrEqual(output.monteCarlo.estimate);
    expect(output.monteCarlo.high).toBeGreaterThanOrEqual(output.monteCarlo.estimate);
    const again = await runHeed([...misuse, '--samples', '4000', '--seed', '3', '--json']);
    expect(again.stdout).toBe(run.stdout);
  });

  it('lists every parameter in --help and refuses bad values naming the flag', async () => {
    const help = await runHeed(['lab', 'misuse', '--help']);
    for (const flag of [
      '--principals',
      '--bad-fraction',
      '--refusal',
      '--retries',
      '--p-catastrophe',
      '--samples',
      '--seed',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    for (const [args, message] of [
      [['--principals', '0'], /--principals must be a whole number, ≥ 1/],
      [['--refusal', '1.5'], /--refusal must be ≥ 0, ≤ 1/],
      [['--samples', 'many'], /--samples must be a finite number/],
    ] as const) {
      const run = await runHeed([...misuse, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const missing = await runHeed(['lab', 'misuse', '--principals', '10']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Missing --bad-fraction/);
  });
});

describe('heed lab drift', () => {
  it('prints cycleMeanSquare and monteCarlo {estimate, low, high} as JSON', async () => {
    const run = await runHeed([...drift, '--samples', '5000', '--json']);
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output.cycleMeanSquare).toBeCloseTo(0.25 * 4.5 + (0.01 * 9 * 19) / 6, 12);
    expect(output.monteCarlo.low).toBeLessThan(output.monteCarlo.high);
    expect(output.thresholdCheck.threshold).toBe(1);
  });

  it('lists every parameter in --help and refuses bad values naming the flag', async () => {
    const help = await runHeed(['lab', 'drift', '--help']);
    for (const flag of ['--delta', '--s ', '--reset-every', '--threshold', '--samples', '--seed'])
      expect(help.stdout).toContain(flag);
    for (const [args, message] of [
      [['--reset-every', '0'], /--reset-every must be a whole number, ≥ 1/],
      [['--s', '-1'], /--s must be ≥ 0/],
      [['--threshold', 'x'], /--threshold must be a finite number/],
    ] as const) {
      const run = await runHeed([...drift, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
