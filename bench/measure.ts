/** Runs `work` repeatedly for about `seconds` and returns operations per second. */
export function opsPerSecond(work: () => void, seconds = 1): number {
  const deadline = performance.now() + seconds * 1000;
  let operations = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let index = 0; index < 100; index++) work();
    operations += 100;
  }
  return operations / ((performance.now() - start) / 1000);
}

export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}
