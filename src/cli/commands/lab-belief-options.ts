import type { Command } from 'commander';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { Belief, Human } from '../../lab/off-switch/off-switch-delta.ts';
import { parseNumberText } from './lab-options.ts';

/** The flags of a belief about an action's value U and of the human who decides (offswitch, dwimac). */
export interface BeliefOptions {
  mu?: string;
  sigma?: string;
  low?: string;
  high?: string;
  human?: string;
  beta?: string;
}

const humanKinds = ['rational', 'noisy'];

function required(flag: string, text: string | undefined): number {
  if (text === undefined) throw new InvalidInputError(`Missing ${flag}.`);
  return parseNumberText(flag, text);
}

export function addBeliefOptions(command: Command): Command {
  return command
    .option('--mu <number>', 'mean of the normal belief about the payoff U')
    .option('--sigma <number>', 'standard deviation of the normal belief (0: a point mass)')
    .option('--low <number>', 'lower bound of a uniform belief (instead of --mu/--sigma)')
    .option('--high <number>', 'upper bound of a uniform belief')
    .option('--human <kind>', `the human: ${humanKinds.join(' or ')}`)
    .option('--beta <number>', "the noisy human's β > 0: it allows u with probability 1/(1+e^(−u/β))");
}

export function beliefFrom(options: BeliefOptions): Belief {
  const normal = options.mu !== undefined || options.sigma !== undefined;
  const uniform = options.low !== undefined || options.high !== undefined;
  if (normal && uniform) {
    throw new InvalidInputError(
      'Give either --mu and --sigma (normal belief) or --low and --high (uniform belief), not both.',
    );
  }
  if (uniform) {
    const low = required('--low', options.low);
    const high = required('--high', options.high);
    if (!(low < high)) throw new InvalidInputError(`--low must be below --high, got [${low}, ${high}].`);
    return { kind: 'uniform', low, high };
  }
  if (!normal) throw new InvalidInputError('Give the belief: --mu M --sigma S (normal) or --low A --high B (uniform).');
  const deviation = required('--sigma', options.sigma);
  if (deviation < 0) throw new InvalidInputError(`--sigma must be ≥ 0, got ${deviation}.`);
  return { kind: 'normal', mean: required('--mu', options.mu), deviation };
}

export function humanFrom(options: BeliefOptions): Human {
  if (options.human === undefined)
    throw new InvalidInputError(`Missing --human. Known humans: ${humanKinds.join(', ')}.`);
  if (options.human === 'rational') {
    if (options.beta !== undefined) throw new InvalidInputError('--beta applies only to --human noisy.');
    return { kind: 'rational' };
  }
  if (options.human === 'noisy') {
    if (options.beta === undefined)
      throw new InvalidInputError("--human noisy needs --beta B (B > 0, the human's noise).");
    const beta = parseNumberText('--beta', options.beta);
    if (!(beta > 0)) throw new InvalidInputError(`--beta must be > 0, got ${beta}.`);
    return { kind: 'noisy', beta };
  }
  throw new InvalidInputError(`Unknown human '${options.human}'. Known humans: ${humanKinds.join(', ')}.`);
}
