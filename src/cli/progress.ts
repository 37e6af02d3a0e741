import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** Progress on stderr: a bar on a terminal; otherwise a line at each quarter of the work (logs, CI). */
export function createProgress(label: string, options: { enabled: boolean }): Progress {
  if (!options.enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, done);
          started = true;
        } else bar.update(done);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let lastQuarter = -1;
  return {
    update(done, total) {
      const quarter = total === 0 ? 4 : Math.floor((4 * done) / total);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        process.stderr.write(`${label} ${quarter * 25}% (${done}/${total})\n`);
      }
    },
    stop: () => {},
  };
}
