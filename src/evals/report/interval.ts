const z95 = 1.959963984540054;

export interface Estimate {
  value: number;
  low: number;
  high: number;
  n: number;
}

/** Wilson score interval (95%) for a proportion: well-behaved at 0, 1 and small n, unlike the normal one. */
export function wilsonInterval(successes: number, n: number): Estimate {
  if (n === 0) return { value: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const p = successes / n;
  const denominator = 1 + (z95 * z95) / n;
  const centre = (p + (z95 * z95) / (2 * n)) / denominator;
  const half = (z95 * Math.sqrt((p * (1 - p)) / n + (z95 * z95) / (4 * n * n))) / denominator;
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}

/** A proportion for a rate (values 0 or 1); otherwise a mean with a normal-approximation 95% interval. */
export function estimate(values: readonly number[], options: { count?: boolean } = {}): Estimate {
  const n = values.length;
  if (!options.count && values.every((value) => value === 0 || value === 1)) {
    return wilsonInterval(values.filter((value) => value === 1).length, n);
  }
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { value: mean, low: mean, high: mean, n };
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const half = z95 * Math.sqrt(variance / n);
  return { value: mean, low: mean - half, high: mean + half, n };
}
