import type { Command } from 'commander';
import { formatTextTable } from '../../core/report/format-text-table.ts';
import { experiments } from '../../lab/experiments/index.ts';
import { claimTable } from '../../lab/report/claim-table.ts';
import { prepareReportFolder, writeLabReport } from '../../lab/report/write-lab-report.ts';
import { defaultSeeds, type LabProgress, type LabRun, runLab, selectExperiments } from '../../lab/run-lab.ts';
import { createProgress, type Progress } from '../progress.ts';
import { parseWholeNumberOption } from './lab-options.ts';

interface RunOptions {
  only?: string;
  seeds: string;
  out: string;
  json?: boolean;
  timestamp?: boolean;
}

/** One progress display per experiment, in turn. */
function createProgressDisplay(): { update: (progress: LabProgress) => void; stop: () => void } {
  let display: Progress | undefined;
  let current = '';
  return {
    update(progress) {
      if (progress.experiment !== current) {
        display?.stop();
        current = progress.experiment;
        display = createProgress(`lab: ${progress.index}/${progress.count} ${progress.experiment}`, { enabled: true });
      }
      display?.update(progress.done, progress.total);
    },
    stop: () => display?.stop(),
  };
}

/** Writes lab.json and lab.html, and says on stderr when the page has no charts (vega is optional). */
async function writeReport(run: LabRun, folder: string) {
  const written = await writeLabReport(run, folder);
  if (written.chartsOmitted) process.stderr.write(`lab: lab.html has no charts. ${written.chartsOmitted}\n`);
  return written;
}

export function registerLabRunCommand(lab: Command): void {
  lab
    .command('run', { isDefault: true })
    .description('(default) run every registered experiment, print its claims and tables, write lab.json and lab.html')
    .option(
      '--only <names>',
      `run only these experiments, comma-separated (${experiments.map((experiment) => experiment.name).join(', ')})`,
    )
    .option('--seeds <count>', 'seeds per experiment', String(defaultSeeds))
    .option('--out <folder>', 'folder for lab.json and lab.html', 'heed-report')
    .option(
      '--json',
      'print the lab.json document on stdout instead of the tables; writes no files unless --out is given too',
    )
    .option('--timestamp', 'record the time of the run in lab.json (the document is then no longer reproducible)')
    .action(async (options: RunOptions, command: Command) => {
      const seeds = parseWholeNumberOption('--seeds', options.seeds);
      const only =
        options.only === undefined
          ? undefined
          : options.only
              .split(',')
              .map((name) => name.trim())
              .filter((name) => name !== '');
      // Check the names and numbers before any work starts.
      selectExperiments({ seeds, ...(only === undefined ? {} : { only }) });
      // --json is for piping: it writes the report folder only when the folder was asked for by name.
      const writeFiles = !options.json || command.getOptionValueSource('out') === 'cli';
      if (writeFiles) prepareReportFolder(options.out);
      const progress = createProgressDisplay();
      let run: Awaited<ReturnType<typeof runLab>>;
      try {
        run = await runLab({
          seeds,
          ...(only === undefined ? {} : { only }),
          ...(options.timestamp ? { generatedAt: new Date().toISOString() } : {}),
          onProgress: progress.update,
        });
      } finally {
        progress.stop();
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(run.document, null, 2)}\n`);
        if (writeFiles) {
          const written = await writeReport(run, options.out);
          process.stderr.write(`lab: wrote ${written.json} and ${written.html}\n`);
        }
        return;
      }
      const written = await writeReport(run, options.out);
      const sections = Object.entries(run.document.experiments).map(([name, entry]) => {
        const tables = [claimTable(entry.claims), ...entry.tables].map(formatTextTable).join('\n');
        return `== ${name}: ${entry.description}\n\n${tables}`;
      });
      process.stdout.write(`${sections.join('\n')}\nReport: ${written.html}\nData:   ${written.json}\n`);
    });
}
