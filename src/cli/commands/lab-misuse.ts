import type { Command } from 'commander';
import { misuseReport } from '../../lab/misuse/misuse.ts';
import { addNumberFlags, type NumberFlag, printResult, readNumberFlags } from './lab-options.ts';

const misuseFlags: readonly NumberFlag[] = [
  {
    field: 'principals',
    flag: '--principals',
    description: 'N: principals, each with one agent',
    integer: true,
    minimum: 1,
    maximum: 1e9,
  },
  {
    field: 'badFraction',
    flag: '--bad-fraction',
    description: 'b: the fraction of principals who are malicious (M = round(N·b))',
    minimum: 0,
    maximum: 1,
  },
  {
    field: 'refusal',
    flag: '--refusal',
    description: 't: the chance the agent refuses one misuse attempt',
    minimum: 0,
    maximum: 1,
  },
  {
    field: 'retries',
    flag: '--retries',
    description: 'k: attempts per malicious principal',
    integer: true,
    minimum: 1,
    maximum: 1000,
  },
  {
    field: 'pCatastrophe',
    flag: '--p-catastrophe',
    description: 'p_c: the chance a misuse that gets through is catastrophic',
    minimum: 0,
    maximum: 1,
  },
  {
    field: 'samples',
    flag: '--samples',
    description: 'Monte Carlo samples',
    default: 20000,
    integer: true,
    minimum: 1,
    maximum: 1e7,
  },
  {
    field: 'seed',
    flag: '--seed',
    description: 'seed of the Monte Carlo stream',
    default: 1,
    integer: true,
    minimum: 0,
    maximum: 2 ** 31 - 1,
  },
];

export function registerLabMisuseCommand(lab: Command): void {
  const command = lab
    .command('misuse')
    .description(
      'misuse amplification: P(at least one catastrophe) = 1 − (1 − p_c(1 − t^k))^M, checked by Monte Carlo',
    );
  addNumberFlags(command, misuseFlags)
    .option('--json', 'print {"pCatastrophe","monteCarlo":{"estimate","low","high",…},"parameters",…}')
    .action((options: Record<string, unknown>) => {
      const report = misuseReport(readNumberFlags(misuseFlags, options));
      const { monteCarlo } = report;
      printResult(options.json as boolean | undefined, report, () =>
        [
          `Malicious principals M = ${report.parameters.maliciousPrincipals}`,
          `P(at least one catastrophe) = ${report.pCatastrophe} (closed form)`,
          `Monte Carlo: ${monteCarlo.catastrophes}/${monteCarlo.samples} = ${monteCarlo.estimate} [${monteCarlo.low.toFixed(6)}, ${monteCarlo.high.toFixed(6)}] (Clopper–Pearson 95%)`,
          '',
        ].join('\n'),
      );
    });
}
