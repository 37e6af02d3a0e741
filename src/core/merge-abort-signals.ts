/** One signal that aborts when any given one does, or after `timeoutMilliseconds`. */
export function mergeAbortSignals(
  signals: ReadonlyArray<AbortSignal | undefined>,
  timeoutMilliseconds?: number,
): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (timeoutMilliseconds !== undefined) present.push(AbortSignal.timeout(timeoutMilliseconds));
  if (present.length === 1) return present[0]!;
  return AbortSignal.any(present);
}
