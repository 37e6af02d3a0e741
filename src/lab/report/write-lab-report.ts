import { accessSync, constants, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HeedError, InvalidInputError } from '../../core/heed-error.ts';
import { loadChartRenderer } from '../../core/report/render-vega-lite.ts';
import type { LabRun } from '../run-lab.ts';
import { renderLabReport } from './render-lab-report.ts';

export interface WrittenReport {
  json: string;
  html: string;
  /** Why lab.html has no charts, when the optional chart packages are not installed. */
  chartsOmitted?: string;
}

/** Writes `text` beside `path` first and renames it into place, so a reader never sees half a file. */
function writeWhole(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new HeedError('report-write-failed', `Could not write ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Creates the report folder if needed and checks that it can be written, so that a bad `--out` is reported
 * before any experiment runs. Returns the absolute path.
 */
export function prepareReportFolder(folder: string): string {
  const target = resolve(folder);
  try {
    mkdirSync(target, { recursive: true });
    accessSync(target, constants.W_OK);
  } catch (error) {
    throw new InvalidInputError(`Cannot write the report to ${target}: ${(error as Error).message}`, { cause: error });
  }
  return target;
}

/** Writes lab.json and lab.html into `folder` (created if missing) and returns their paths. */
export async function writeLabReport(run: LabRun, folder: string): Promise<WrittenReport> {
  const charts = await loadChartRenderer();
  const html = await renderLabReport(run, charts);
  const target = prepareReportFolder(folder);
  const paths = { json: join(target, 'lab.json'), html: join(target, 'lab.html') };
  writeWhole(paths.json, `${JSON.stringify(run.document, null, 2)}\n`);
  writeWhole(paths.html, html);
  return 'missing' in charts ? { ...paths, chartsOmitted: charts.missing.message } : paths;
}
