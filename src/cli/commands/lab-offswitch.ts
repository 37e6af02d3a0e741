import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';
import { type Belief, type Human, solveOffSwitch } from '../../lab/off-switch/off-switch-delta.ts';

interface OffSwitchOptions {
  mu?: string;
  sigma?: string;
  low?: string;
  high?: string;
  human?: string;
  beta?: string;
  json?: boolean;
}

const humanKinds = ['rational', 'noisy'];

function parseNumber(option: string, text: string | undefined): number {
  if (text === undefined) throw new InvalidInputError(`Missing --${option}.`);
  // Number('') is 0 and Number(' 1 ') is 1: accept only a plain decimal or scientific literal.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) || !Number.isFinite(Number(text))) {
    throw new InvalidInputError(`--${option} must be a finite number, got '${text}'.`);
  }
  return Number(text);
}

function beliefFrom(options: OffSwitchOptions): Belief {
  const normal = options.mu !== undefined || options.sigma !== undefined;
  const uniform = options.low !== undefined || options.high !== undefined;
  if (normal && uniform) {
    throw new InvalidInputError(
      'Give either --mu and --sigma (normal belief) or --low and --high (uniform belief), not both.',
    );
  }
  if (uniform) {
    const low = parseNumber('low', options.low);
    const high = parseNumber('high', options.high);
    if (!(low < high)) throw new InvalidInputError(`--low must be below --high, got [${low}, ${high}].`);
    return { kind: 'uniform', low, high };
  }
  if (!normal) throw new InvalidInputError('Give the belief: --mu M --sigma S (normal) or --low A --high B (uniform).');
  const deviation = parseNumber('sigma', options.sigma);
  if (deviation < 0) throw new InvalidInputError(`--sigma must be ≥ 0, got ${deviation}.`);
  return { kind: 'normal', mean: parseNumber('mu', options.mu), deviation };
}

function humanFrom(options: OffSwitchOptions): Human {
  if (options.human === undefined)
    throw new InvalidInputError(`Missing --human. Known humans: ${humanKinds.join(', ')}.`);
  if (options.human === 'rational') {
    if (options.beta !== undefined) throw new InvalidInputError('--beta applies only to --human noisy.');
    return { kind: 'rational' };
  }
  if (options.human === 'noisy') {
    if (options.beta === undefined)
      throw new InvalidInputError("--human noisy needs --beta B (B > 0, the human's noise).");
    const beta = parseNumber('beta', options.beta);
    if (!(beta > 0)) throw new InvalidInputError(`--beta must be > 0, got ${beta}.`);
    return { kind: 'noisy', beta };
  }
  throw new InvalidInputError(`Unknown human '${options.human}'. Known humans: ${humanKinds.join(', ')}.`);
}

export function registerLabOffSwitchCommand(lab: Command): void {
  lab
    .command('offswitch')
    .description("the off-switch game: the robot's incentive Δ to let the human decide")
    .option('--mu <number>', 'mean of the normal belief about the payoff U')
    .option('--sigma <number>', 'standard deviation of the normal belief (0: a point mass)')
    .option('--low <number>', 'lower bound of a uniform belief (instead of --mu/--sigma)')
    .option('--high <number>', 'upper bound of a uniform belief')
    .option('--human <kind>', `the human: ${humanKinds.join(' or ')}`)
    .option('--beta <number>', "the noisy human's β: it allows u with probability 1/(1+e^(−u/β))")
    .option('--json', 'print {"delta","defers","act","wait","method"}')
    .action((options: OffSwitchOptions) => {
      const human = humanFrom(options);
      const belief = beliefFrom(options);
      const result = solveOffSwitch(belief, human);
      if (options.json) {
        const { delta, defers, act, wait, method } = result;
        process.stdout.write(`${JSON.stringify({ delta, defers, act, wait, method })}\n`);
        return;
      }
      process.stdout.write(
        [
          `act (E[U]):           ${result.act}`,
          `wait (E[π_H(U)·U]):   ${result.wait}`,
          `Δ = wait − max(act, 0) = ${result.delta}  (${result.method})`,
          result.defers
            ? 'The robot defers: it prefers to let the human decide.'
            : 'The robot does not defer: it does at least as well acting (or switching off) on its own.',
          '',
        ].join('\n'),
      );
    });
}
