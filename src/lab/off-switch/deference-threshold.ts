import { type Human, numericOffSwitch } from './off-switch-delta.ts';

/**
 * The smallest belief spread σ* at which a robot with belief N(μ, σ²) strictly prefers to wait for a noisy human,
 * found by bisection on Δ(σ) (Δ rises with σ). The claimed criterion is σ*² = 2β|μ|; the experiment compares.
 */
export function deferenceThreshold(mean: number, human: Extract<Human, { kind: 'noisy' }>): number {
  const delta = (deviation: number) => numericOffSwitch({ kind: 'normal', mean, deviation }, human).delta;
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
