import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ToolFailedError } from '../tools/tool-failed-error.ts';
import type { IsolatedCall, IsolatedCallReport } from './isolated-tool-runner.ts';

/** The runner both isolation modes start: `.ts` beside the sources, `.js` in the built package. */
export const isolatedRunnerFile = new URL(
  `./isolated-tool-runner${extname(fileURLToPath(import.meta.url))}`,
  import.meta.url,
);

export interface IsolatedRunOptions {
  /** The tool's name, for error messages. */
  tool: string;
  /** Aborting it asks the tool to stop; `graceMs` later its worker or process is ended outright. */
  signal: AbortSignal;
  graceMs: number;
}

/**
 * How a call that ended by itself, or was ended, settles: aborted calls reject with the signal's reason
 * (whatever the tool said meanwhile), a tool's error becomes a `ToolFailedError`, and a value is returned.
 */
export function settleIsolatedCall(
  report: IsolatedCallReport | undefined,
  options: IsolatedRunOptions,
  lost: string,
): { ok: true; value: unknown } | { ok: false; error: unknown } {
  if (options.signal.aborted) return { ok: false, error: options.signal.reason };
  if (report === undefined || report.type === 'started')
    return { ok: false, error: new ToolFailedError(options.tool, lost) };
  if (report.type === 'error') {
    return { ok: false, error: new ToolFailedError(options.tool, `${report.name}: ${report.message}`) };
  }
  return { ok: true, value: report.value };
}

export type { IsolatedCall, IsolatedCallReport };
