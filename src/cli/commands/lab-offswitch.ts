import type { Command } from 'commander';
import { solveOffSwitch } from '../../lab/off-switch/off-switch-delta.ts';
import { addBeliefOptions, type BeliefOptions, beliefFrom, humanFrom } from './lab-belief-options.ts';

export function registerLabOffSwitchCommand(lab: Command): void {
  addBeliefOptions(
    lab.command('offswitch').description("the off-switch game: the robot's incentive Δ to let the human decide"),
  )
    .option('--json', 'print {"delta","defers","act","wait","method"}')
    .action((options: BeliefOptions & { json?: boolean }) => {
      const human = humanFrom(options);
      const belief = beliefFrom(options);
      const result = solveOffSwitch(belief, human);
      if (options.json) {
        const { delta, defers, act, wait, method } = result;
        process.stdout.write(`${JSON.stringify({ delta, defers, act, wait, method })}\n`);
        return;
      }
      process.stdout.write(
        [
          `act (E[U]):           ${result.act}`,
          `wait (E[π_H(U)·U]):   ${result.wait}`,
          `Δ = wait − max(act, 0) = ${result.delta}  (${result.method})`,
          result.defers
            ? 'The robot defers: it prefers to let the human decide.'
            : 'The robot does not defer: it does at least as well acting (or switching off) on its own.',
          '',
        ].join('\n'),
      );
    });
}
