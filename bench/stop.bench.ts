// `npm run bench -- stop`: the stop harness. Loads every case module in bench/stop-cases/ (each system: heed's
// kernel, the MCP gateway, the framework guards, and each unguarded beside them), runs HEED_BENCH_TRIALS (default
// 20) trials per case, and prints per system and kind: stop.side_effect_after_stop, stop.descendants_alive_after_grace
// (trials with a child or grandchild alive at grace + 20 ms), stop.settle_p99_ms and stop.settle_p50_ms.
// HEED_BENCH_STOP_SYSTEMS (a comma-separated list, e.g. `ai-sdk+heed-isolated,heed-proxy`) runs only those systems.
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { percentile } from './measure.ts';
import type { Bench } from './run.ts';
import type { StopCaseModule, StopTrial } from './stop-cases/stop-case.ts';

function trialCount(): number {
  const text = process.env.HEED_BENCH_TRIALS ?? '20';
  const trials = Number(text);
  if (!Number.isInteger(trials) || trials < 1) {
    throw new Error(`HEED_BENCH_TRIALS must be a positive integer, not '${text}'.`);
  }
  return trials;
}

/** The systems to run, or undefined for all. */
function systemFilter(): Set<string> | undefined {
  const text = process.env.HEED_BENCH_STOP_SYSTEMS?.trim();
  return text ? new Set(text.split(',').map((system) => system.trim())) : undefined;
}

export default (async (report) => {
  const trials = trialCount();
  const only = systemFilter();
  const folder = new URL('./stop-cases/', import.meta.url);
  const files = readdirSync(folder)
    .filter((file) => file.endsWith('.ts') && file !== 'stop-case.ts')
    .sort();
  for (const file of files) {
    const module = (await import(new URL(file, folder).href)) as StopCaseModule;
    for (const stopCase of await module.default()) {
      if (only !== undefined && !only.has(stopCase.system)) continue;
      const results: StopTrial[] = [];
      for (let index = 0; index < trials; index++) results.push(await stopCase.trial());
      const extra = { system: stopCase.system, kind: stopCase.kind, n: trials, load: loadavg()[0] };
      const settle = results.map((trial) => trial.settleMs);
      report({
        name: 'stop.side_effect_after_stop',
        value: results.filter((trial) => trial.sideEffectAfterStop).length,
        unit: 'count',
        ...extra,
      });
      report({
        name: 'stop.descendants_alive_after_grace',
        value: results.filter((trial) => trial.childrenAlive + trial.grandchildrenAlive > 0).length,
        unit: 'count',
        ...extra,
        children: results.filter((trial) => trial.childrenAlive > 0).length,
        grandchildren: results.filter((trial) => trial.grandchildrenAlive > 0).length,
      });
      report({ name: 'stop.settle_p99_ms', value: percentile(settle, 0.99), unit: 'ms', ...extra });
      report({ name: 'stop.settle_p50_ms', value: percentile(settle, 0.5), unit: 'ms', ...extra });
    }
  }
}) satisfies Bench;
