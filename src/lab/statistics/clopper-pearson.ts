import { regularizedIncompleteBeta } from './incomplete-beta.ts';

/** A rate k/n over independent trials (seeds, samples) with its exact 95% interval. */
export interface RateEstimate {
  successes: number;
  trials: number;
  rate: number;
  low: number;
  high: number;
}

/** The p in [0, 1] at which the increasing function `tail` of p equals `target`, by bisection to full precision. */
function solveIncreasing(tail: (p: number) => number, target: number): number {
  let low = 0;
  let high = 1;
  for (let iteration = 0; iteration < 200 && high - low > 1e-16; iteration++) {
    const middle = 0.5 * (low + high);
    if (tail(middle) < target) low = middle;
    else high = middle;
  }
  return 0.5 * (low + high);
}

/**
 * The Clopper–Pearson ("exact") two-sided interval for k successes in n trials at confidence 1 − α: the low end is the
 * p at which P(X ≥ k) = α/2, the high end the p at which P(X ≤ k) = α/2 (Clopper & Pearson 1934). It covers the true
 * rate with probability at least 1 − α for every n and p, unlike the normal approximation near 0 and 1.
 */
export function clopperPearson(successes: number, trials: number, alpha = 0.05): RateEstimate {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`A rate needs n ≥ 1 trials, got ${trials}.`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`A rate needs 0 ≤ k ≤ n successes, got ${successes} of ${trials}.`);
  }
  const half = alpha / 2;
  // P(X ≥ k) = I_p(k, n − k + 1) rises with p; P(X ≤ k) = 1 − I_p(k + 1, n − k) falls with p.
  const low =
    successes === 0 ? 0 : solveIncreasing((p) => regularizedIncompleteBeta(p, successes, trials - successes + 1), half);
  const high =
    successes === trials
      ? 1
      : solveIncreasing((p) => regularizedIncompleteBeta(p, successes + 1, trials - successes), 1 - half);
  return { successes, trials, rate: successes / trials, low, high };
}

/** "k/n [low, high]": how reports print a rate. */
export function formatRate(estimate: RateEstimate, digits = 2): string {
  return `${estimate.successes}/${estimate.trials} [${estimate.low.toFixed(digits)}, ${estimate.high.toFixed(digits)}]`;
}
