import { type Human, numericOffSwitch } from './off-switch-delta.ts';

type NoisyHuman = Extract<Human, { kind: 'noisy' }>;

function noisyDelta(mean: number, human: NoisyHuman): (deviation: number) => number {
  return (deviation) => numericOffSwitch({ kind: 'normal', mean, deviation }, human).delta;
}

/**
 * The smallest belief spread σ* at which a robot with belief N(μ, σ²) strictly prefers to wait for a noisy human,
 * found by bisection on the sign of Δ(σ). Δ is not monotone in σ, but its sign changes exactly once, at
 * σ² = 2β|μ| (the pairing argument of docs/lab-formal.md), so bisection on the sign is sound. The experiment
 * compares σ*² with 2β|μ|.
 */
export function deferenceThreshold(mean: number, human: NoisyHuman): number {
  const delta = noisyDelta(mean, human);
  if (mean === 0) return 0;
  let low = 0;
  let high = Math.max(1, Math.sqrt(2 * human.beta * Math.abs(mean)));
  while (delta(high) <= 0) high *= 2;
  for (let iteration = 0; iteration < 200 && high - low > 1e-13 * high; iteration++) {
    const middle = 0.5 * (low + high);
    if (delta(middle) > 0) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * Where Δ(σ) is lowest below the threshold σ* = √(2β|μ|), by golden-section search: for μ = 3, β = 0.2, Δ first falls
 * as the belief spreads, to a minimum near σ ≈ 0.95, then rises through 0 at σ* ≈ 1.095. A counterexample to
 * "Δ rises with σ".
 */
export function deltaMinimumBelowThreshold(
  mean: number,
  human: NoisyHuman,
): { deviation: number; delta: number; threshold: number } {
  const delta = noisyDelta(mean, human);
  const threshold = Math.sqrt(2 * human.beta * Math.abs(mean));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let low = 0;
  let high = threshold;
  for (let iteration = 0; iteration < 80; iteration++) {
    const left = high - ratio * (high - low);
    const right = low + ratio * (high - low);
    if (delta(left) < delta(right)) high = right;
    else low = left;
  }
  const deviation = 0.5 * (low + high);
  return { deviation, delta: delta(deviation), threshold };
}
