// `npm run bench -- lab`: the full default `heed lab` (wall time, target < 60 s on 2 cores) and the exact
// planner's speed, against the raw gridworld transition speed as the baseline of the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planGridworld } from '../src/lab/agents/gridworld-planner.ts';
import { experiments } from '../src/lab/experiments/index.ts';
import { createGridworldRules } from '../src/lab/gridworld/gridworld-registry.ts';
import { gridworldTransition } from '../src/lab/gridworld/gridworld-transition.ts';
import { opsPerSecond } from './measure.ts';
import type { Bench } from './run.ts';

const heedBin = fileURLToPath(new URL('../bin/heed.js', import.meta.url));

const bench: Bench = async (report) => {
  const rules = createGridworldRules('safe-interruptibility', { interruptionProbability: 0.5 });
  const options = { objective: 'reward', modelActionNoise: false } as const;
  const states = planGridworld(rules, options).stateCount;
  const plansPerSecond = opsPerSecond(() => planGridworld(rules, options), 2);
  const transitionsPerSecond = opsPerSecond(() => gridworldTransition(rules, { cell: 19, flags: 2, steps: 5 }, 'l'), 1);
  report({
    name: 'lab.value_iteration_states_per_s',
    value: Math.round(plansPerSecond * states),
    unit: 'states/s',
    statesPerPlan: states,
    baseline_transitions_per_s: Math.round(transitionsPerSecond),
  });

  const folder = mkdtempSync(join(tmpdir(), 'heed-lab-bench-'));
  try {
    const start = performance.now();
    const run = spawnSync(process.execPath, [heedBin, 'lab', '--out', folder], { encoding: 'utf8' });
    const seconds = (performance.now() - start) / 1000;
    if (run.status !== 0) throw new Error(`heed lab failed (exit ${run.status}): ${run.stderr}`);
    report({
      name: 'lab.total_s',
      value: Math.round(seconds * 100) / 100,
      unit: 's',
      target: 60,
      experiments: experiments.map((experiment) => experiment.name),
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

export default bench;
