import { InvalidInputError } from '../core/heed-error.ts';

/** Reads an ISO-8601 time given on the command line into milliseconds since the epoch. */
export function parseTime(text: string, what: string): number {
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(time)) {
    throw new InvalidInputError(`Invalid ${what} '${text}': expected an ISO-8601 time such as 2026-01-01T12:00:00Z.`);
  }
  return time;
}
