import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/**
 * Runs units of work in order, reporting progress after each and yielding to the event loop between them
 * so a progress display can redraw.
 */
export async function runJobs(
  jobs: ReadonlyArray<() => void>,
  onProgress: (done: number, total: number) => void,
): Promise<void> {
  onProgress(0, jobs.length);
  for (let index = 0; index < jobs.length; index++) {
    jobs[index]!();
    onProgress(index + 1, jobs.length);
    await yieldToEventLoop();
  }
}

/** Seeds 1…count, as listed in lab.json. */
export function seedList(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 1);
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  const rounded = Math.round(value * scale) / scale;
  return Object.is(rounded, -0) ? 0 : rounded;
}
