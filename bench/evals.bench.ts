import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGuarded } from '../src/evals/runner/run-guarded.ts';
import { runEvalMatrix } from '../src/evals/runner/run-matrix.ts';
import { runUnguarded } from '../src/evals/runner/run-unguarded.ts';
import { loadSuite } from '../src/evals/scenario/load-suite.ts';
import { createOpenAiCompatibleProvider } from '../src/providers/openai/openai-compatible-provider.ts';
import type { Provider } from '../src/providers/provider.ts';
import { startFakeModelProcess } from './fake-model-process.ts';
import type { Bench } from './run.ts';

const latencyMs = 50;
const concurrency = 16;
const samples = 200;

/** Wall time of a run of about 200 samples against a 50 ms model at concurrency 16, against calls × latency / concurrency. */
const bench: Bench = async (report) => {
  const server = await startFakeModelProcess(latencyMs);
  const outDir = mkdtempSync(join(tmpdir(), 'heed-bench-evals-'));
  try {
    // One wording of each scenario: the first variant (the paraphrases are the same work in other words).
    const scenarios = loadSuite('core');
    const variants = [...new Set(scenarios.map((scenario) => scenario.variants[0]!.id))];
    const epochs = Math.ceil(samples / (scenarios.length * 2));
    const model = createOpenAiCompatibleProvider({
      model: 'obedient',
      baseUrl: server.url,
      apiKey: 'bench',
      stream: false,
    });
    let calls = 0;
    const provider: Provider = {
      id: model.id,
      step: (...args) => {
        calls += 1;
        return model.step(...args);
      },
    };
    const cpuStart = process.cpuUsage();
    const threadStart = process.threadCpuUsage();
    const start = performance.now();
    const result = await runEvalMatrix({
      scenarios,
      models: [{ spec: 'openai:obedient', provider }],
      targets: ['if-ranked'],
      guards: ['off', 'on'],
      epochs,
      concurrency,
      outDir,
      runners: { off: runUnguarded, on: runGuarded },
      variants,
    });
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const thread = process.threadCpuUsage(threadStart);
    const idealMs = (calls * latencyMs) / concurrency;
    report({
      name: 'evals.runner_efficiency',
      value: Number((wallMs / idealMs).toFixed(3)),
      unit: 'x ideal',
      target: 1.25,
      samples: result.total,
      calls,
      latency_ms: latencyMs,
      concurrency,
      wall_s: Number((wallMs / 1000).toFixed(2)),
      // The runner's own CPU time (the fake model is another process), all its threads and its main thread
      // alone: the main thread's is what limits a run.
      runner_cpu_ms_per_sample: Number(((cpu.user + cpu.system) / 1000 / result.total).toFixed(2)),
      main_thread_cpu_ms_per_sample: Number(((thread.user + thread.system) / 1000 / result.total).toFixed(2)),
      errors: result.errors,
    });
  } finally {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
};
export default bench;
