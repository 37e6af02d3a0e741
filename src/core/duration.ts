import { InvalidInputError } from './heed-error.ts';

const unitMilliseconds: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses '1500ms', '30s', '10m', '2h', '7d' (or a bare number of milliseconds) into milliseconds. */
export function parseDuration(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0)
      throw new InvalidInputError(`Invalid ${what} ${text}: expected a non-negative number of milliseconds.`);
    return text;
  }
  const match = /^(\d+(?:\.\d+)?)[ \t]*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) {
    throw new InvalidInputError(
      `Invalid ${what} '${text}': expected a number with a unit, e.g. 500ms, 30s, 10m, 2h, 7d.`,
    );
  }
  return Math.round(Number(match[1]) * (unitMilliseconds[match[2] ?? 'ms'] ?? 1));
}

export function formatDuration(milliseconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (milliseconds >= size && milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
