import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type TargetProfileName, targetProfileNames } from '../../charter/target-profile-names.ts';
import { InvalidInputError, UnknownNameError } from '../../core/heed-error.ts';
import { importOptional } from '../../core/import-optional.ts';
import { loadChartRenderer } from '../../core/report/render-vega-lite.ts';
import { renderEvalReport } from '../../evals/report/render-eval-report.ts';
import { summarize } from '../../evals/report/summarize.ts';
import type { EvalModel } from '../../evals/runner/run-matrix.ts';
import type { Guard } from '../../evals/runner/run-sample.ts';
import { loadSuite } from '../../evals/scenario/load-suite.ts';
import { createProviderFromSpec } from '../../providers/model-spec.ts';
import { exitCodes } from '../exit-codes.ts';
import { addModelOptions, type ModelCommandOptions, providerOptions, reportRetry } from '../model-options.ts';
import { createProgress } from '../progress.ts';

interface RunOptions extends ModelCommandOptions {
  suite: string;
  model: string[];
  targets: string;
  guard: string;
  epochs: string;
  concurrency: string;
  out: string;
  variants?: string;
  judge?: string;
  json?: boolean;
}

function list<T extends string>(text: string, known: readonly T[], what: string): T[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new InvalidInputError(`--${what} needs at least one value (known: ${known.join(', ')}).`);
  for (const item of items)
    if (!known.includes(item as T)) throw new UnknownNameError(what.replace(/s$/, ''), item, known);
  return [...new Set(items)] as T[];
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidInputError(`${option} must be a positive integer, not '${text}'.`);
  return value;
}

/**
 * The runner's modules, loaded when a command needs them: the evals' simulated shell is the optional package
 * just-bash, which a kernel user does not install.
 */
async function loadRunner() {
  await importOptional(() => import('just-bash'), 'just-bash', "The evals' simulated shell");
  const [matrix, guarded, unguarded] = await Promise.all([
    import('../../evals/runner/run-matrix.ts'),
    import('../../evals/runner/run-guarded.ts'),
    import('../../evals/runner/run-unguarded.ts'),
  ]);
  return { ...matrix, runGuarded: guarded.runGuarded, runUnguarded: unguarded.runUnguarded };
}

async function writeReport(outDir: string): Promise<ReturnType<typeof summarize>> {
  const { readSamples } = await loadRunner();
  const records = readSamples(outDir);
  if (records.length === 0)
    throw new InvalidInputError(`${outDir} holds no eval samples (expected ${join(outDir, 'samples')}/*.jsonl).`);
  const summary = summarize(records);
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const charts = await loadChartRenderer();
  if ('missing' in charts) process.stderr.write(`eval: report.html has no charts. ${charts.missing.message}\n`);
  writeFileSync(join(outDir, 'report.html'), await renderEvalReport(summary, charts));
  return summary;
}

function printSummary(summary: ReturnType<typeof summarize>): void {
  const rows = summary.metrics.map((metric) => [
    `p${metric.problem}`,
    metric.scenario,
    metric.variant,
    metric.model,
    metric.target,
    metric.guard,
    metric.metric,
    `${metric.value.toFixed(2)} [${metric.low.toFixed(2)}, ${metric.high.toFixed(2)}]`,
    String(metric.n),
  ]);
  const header = ['problem', 'scenario', 'variant', 'model', 'target', 'guard', 'metric', 'value [95% CI]', 'n'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
  if (summary.errors.length > 0)
    process.stdout.write(`\n${summary.errors.length} sample(s) failed and are not scored; see summary.json.\n`);
}

export function registerEvalCommand(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description('run the scenario suite for the four failure modes against models, with and without the kernel');

  evalCommand
    .command('list')
    .description('list the scenarios of a suite')
    .option('--suite <name|path>', 'built-in suite name, folder or file', 'core')
    .option('--json', 'print JSON lines')
    .action((options: { suite: string; json?: boolean }) => {
      for (const scenario of loadSuite(options.suite)) {
        const row = {
          id: scenario.id,
          problem: scenario.problem,
          title: scenario.title,
          variants: scenario.variants.map((variant) => variant.id),
          metrics: scenario.scorers.map(
            (scorer) => scorer.metric ?? (scenario.attack ? 'utility_under_attack' : 'benign_utility'),
          ),
        };
        process.stdout.write(
          options.json ? `${JSON.stringify(row)}\n` : `p${row.problem}  ${row.id.padEnd(34)} ${row.title}\n`,
        );
      }
    });

  const run = evalCommand
    .command('run')
    .description('run the matrix models × targets × guard × variants × epochs; resumable')
    .option('--suite <name|path>', 'built-in suite name, folder or file', 'core')
    .requiredOption(
      '--model <spec...>',
      'model specs: openai:<model>, anthropic:<model>, scripted:<file>, fake:<behaviour>',
    )
    .option('--targets <list>', `alignment targets (${targetProfileNames.join(', ')})`, 'if-ranked')
    .option('--guard <list>', 'off (instructions only), on (under the kernel), or both', 'off,on')
    .option('--epochs <n>', 'samples per cell, for confidence intervals', '1')
    .option('--concurrency <n>', 'samples run at once', '4')
    .option('--variants <list>', 'only these prompt variants')
    .option('--judge <spec>', 'a model spec for the LLM-judge scorers')
    .option('--out <dir>', 'run folder (samples, cache, summary.json, report.html)', 'heed-eval')
    .option('--json', 'print summary.json on stdout instead of the table');
  addModelOptions(run).action(async (options: RunOptions) => {
    const scenarios = loadSuite(options.suite);
    const { runEvalMatrix, runGuarded, runUnguarded } = await loadRunner();
    const modelOptions = providerOptions(options, options.json ? undefined : reportRetry);
    const models: EvalModel[] = options.model.map((spec) => ({
      spec,
      provider: createProviderFromSpec(spec, modelOptions),
    }));
    const targets = list<TargetProfileName>(options.targets, targetProfileNames, 'targets');
    const guards = list<Guard>(options.guard, ['off', 'on'], 'guards');
    const outDir = resolve(options.out);
    const progress = createProgress('eval', { enabled: !options.json });
    const result = await runEvalMatrix({
      scenarios,
      models,
      targets,
      guards,
      epochs: positiveInteger(options.epochs, '--epochs'),
      concurrency: positiveInteger(options.concurrency, '--concurrency'),
      outDir,
      runners: { off: runUnguarded, on: runGuarded },
      variants: options.variants?.split(',').map((variant) => variant.trim()),
      // The judge reaches the same server, with its own (default) sampling.
      judge: options.judge
        ? createProviderFromSpec(options.judge, {
            ...(modelOptions.baseUrl !== undefined ? { baseUrl: modelOptions.baseUrl } : {}),
            ...(modelOptions.apiKey !== undefined ? { apiKey: modelOptions.apiKey } : {}),
          })
        : undefined,
      onProgress: ({ done, total }) => progress.update(done, total),
    });
    progress.stop();
    const summary = await writeReport(outDir);
    if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      printSummary(summary);
      process.stderr.write(
        `\n${result.total} samples (${result.ran} run, ${result.resumed} resumed, ${result.errors} errors, ${result.cacheHits} cached responses)\nreport: ${join(outDir, 'report.html')}\nsummary: ${join(outDir, 'summary.json')}\n`,
      );
    }
    if (result.errors > 0) process.exitCode = exitCodes.failure;
  });

  evalCommand
    .command('report')
    .description('summarise a run folder into summary.json and report.html')
    .argument('<dir>', 'run folder written by heed eval run')
    .option('--json', 'print summary.json on stdout')
    .action(async (dir: string, options: { json?: boolean }) => {
      const summary = await writeReport(resolve(dir));
      if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else printSummary(summary);
    });
}
