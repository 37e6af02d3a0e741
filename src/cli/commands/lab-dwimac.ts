import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';
import { decideCheck } from '../../lab/dwimac/dwimac.ts';
import { addBeliefOptions, type BeliefOptions, beliefFrom, humanFrom } from './lab-belief-options.ts';
import { checkNumberFlag, parseNumberText } from './lab-options.ts';

export function registerLabDwimacCommand(lab: Command): void {
  addBeliefOptions(
    lab
      .command('dwimac')
      .description('DWIMAC as the off-switch game with a price on checking: the agent checks iff Δ(μ, σ, β) > c'),
  )
    .option('--cost <number>', 'c ≥ 0: the price of one check with the principal')
    .option('--json', 'print {"delta","checks","act","wait","method","cost"}')
    .action((options: BeliefOptions & { cost?: string; json?: boolean }) => {
      const human = humanFrom(options);
      const belief = beliefFrom(options);
      if (options.cost === undefined) throw new InvalidInputError('Missing --cost C (the price of a check, ≥ 0).');
      const cost = checkNumberFlag(
        { field: 'cost', flag: '--cost', description: 'price of a check', minimum: 0 },
        parseNumberText('--cost', options.cost),
      );
      const decision = decideCheck(belief, human, cost);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...decision, cost })}\n`);
        return;
      }
      process.stdout.write(
        [
          `Δ = ${decision.delta}  (${decision.method}): what waiting for the principal is worth`,
          decision.checks
            ? `The agent checks: Δ > c = ${cost}.`
            : `The agent does not check: Δ ≤ c = ${cost}; it acts (or declines) on its own.`,
          '',
        ].join('\n'),
      );
    });
}
