// The formal lab environments: how fast the exact solvers run (the full `heed lab` time is the lab bench's).
import { charterEnvironmentParameters } from '../src/lab/charter-env/charter-environment.ts';
import { charterObjective } from '../src/lab/charter-env/charter-targets.ts';
import { solveCharter } from '../src/lab/charter-env/solve-charter.ts';
import { experiments } from '../src/lab/experiments/index.ts';
import { parseLobbyingPower } from '../src/lab/lobbying/lobbying-power.ts';
import { runLobbying } from '../src/lab/lobbying/run-lobbying.ts';
import { closedFormOffSwitch, numericOffSwitch } from '../src/lab/off-switch/off-switch-delta.ts';
import { erfc } from '../src/lab/statistics/error-function.ts';
import { opsPerSecond } from './measure.ts';
import type { Bench } from './run.ts';

function timed(work: () => void): number {
  const start = performance.now();
  work();
  return (performance.now() - start) / 1000;
}

const bench: Bench = async (report) => {
  // Off-switch: closed form is the baseline for the two quadratures.
  const beliefs = Array.from({ length: 2000 }, (_, index) => ({
    kind: 'normal' as const,
    mean: -2 + (index % 40) / 10,
    deviation: 0.1 + Math.floor(index / 40) / 10,
  }));
  let index = 0;
  const nextBelief = () => beliefs[index++ % beliefs.length] ?? beliefs[0]!;
  report({
    name: 'lab.offswitch.closed_form_per_s',
    value: Math.round(opsPerSecond(() => closedFormOffSwitch(nextBelief(), { kind: 'rational' }), 0.5)),
    unit: '1/s',
  });
  for (const method of ['gauss-kronrod', 'tanh-sinh'] as const) {
    const rate = opsPerSecond(() => numericOffSwitch(nextBelief(), { kind: 'noisy', beta: 0.5 }, method), 0.5);
    report({ name: `lab.offswitch.${method}_per_s`, value: Math.round(rate), unit: '1/s', baseline: 'closed_form' });
  }
  // Lobbying: one full 25-step run, replanning every step, cycling through agents and powers.
  const powers = ['0', '0.3', '0.5', '1', '5'].map(parseLobbyingPower);
  const agents = ['f0', 'fc', 'if-last', 'if-ranked'];
  let run = 0;
  const lobbying = opsPerSecond(() => {
    runLobbying(
      agents[run % agents.length] ?? 'f0',
      powers[Math.floor(run / agents.length) % powers.length] ?? powers[0]!,
    );
    run++;
  }, 1);
  report({ name: 'lab.lobbying.runs_per_s', value: Math.round(lobbying), unit: '1/s' });
  // Charter environment: states solved per second by backward induction, horizon 60.
  const parameters = charterEnvironmentParameters({ horizon: 60 });
  const states = 60 * (parameters.taskLength + 1) * (parameters.leaseSteps + 2) * 4;
  const charter = timed(() => {
    const solution = solveCharter(charterObjective('if-next', parameters), parameters);
    for (let step = 1; step <= 60; step++)
      for (let progress = 0; progress <= parameters.taskLength; progress++)
        for (let silence = 0; silence <= parameters.leaseSteps + 1; silence++)
          for (const stopsBlocked of [false, true])
            for (const changesBlocked of [false, true])
              solution.value({ step, progress, present: silence === 0, silence, stopsBlocked, changesBlocked });
  });
  report({ name: 'lab.charter.states_solved_per_s', value: Math.round(states / charter), unit: '1/s', states });
  const noProgress = () => {};
  for (const experiment of experiments.filter((entry) => !['interruptibility', 'supervision'].includes(entry.name))) {
    const start = performance.now();
    await experiment.run({ seeds: 20, onProgress: noProgress });
    report({
      name: `lab.experiment.${experiment.name}_s`,
      value: Number(((performance.now() - start) / 1000).toFixed(3)),
      unit: 's',
      target: 'all exact experiments together ≤ 15',
    });
  }
  // heed's own erfc against Math.exp, the cheapest transcendental of the same run.
  let argument = 0;
  const nextArgument = () => {
    argument = argument >= 6 ? -6 : argument + 0.0137;
    return argument;
  };
  report({
    name: 'lab.erfc_per_s',
    value: Math.round(opsPerSecond(() => erfc(nextArgument()), 0.5)),
    unit: '1/s',
    baseline_math_exp_per_s: Math.round(opsPerSecond(() => Math.exp(nextArgument()), 0.5)),
  });
};

export default bench;
