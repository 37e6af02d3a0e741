// `heed/evals`: the scenario suites, the runner (guard off and on), scorers and reports. The evals' simulated
// shell needs the optional package `just-bash` (npm install just-bash); reports draw charts with `vega` and
// `vega-lite`. `heed` itself needs neither.

export { renderEvalReport } from './report/render-eval-report.ts';
export { summarize } from './report/summarize.ts';
export { runGuarded } from './runner/run-guarded.ts';
export { type EvalModel, type EvalRunOptions, readSamples, runEvalMatrix } from './runner/run-matrix.ts';
export { runUnguarded } from './runner/run-unguarded.ts';
export { loadSuite } from './scenario/load-suite.ts';
export type { Scenario } from './scenario/scenario-schema.ts';
