import type { Command } from 'commander';
import type { SupervisorSetting } from '../../lab/gridworld/absent-supervisor.ts';
import { parseActionString } from '../../lab/gridworld/grid-action.ts';
import { createGridworldRules, type GridworldOptions } from '../../lab/gridworld/gridworld-registry.ts';
import { replayActions } from '../../lab/gridworld/replay-actions.ts';
import { parseNumberText, parseWholeNumberOption } from './lab-options.ts';

interface ReplayOptions {
  env: string;
  level?: string;
  p?: string;
  supervisor?: string;
  seed: string;
  actions: string;
  json?: boolean;
}

export function registerLabReplayCommand(lab: Command): void {
  lab
    .command('replay')
    .description('play a fixed action string in a gridworld and print its return and hidden performance')
    .requiredOption('--env <name>', 'safe-interruptibility, absent-supervisor or whisky-gold')
    .requiredOption('--actions <letters>', 'actions as letters u, d, l, r (e.g. dllllldd)')
    .option('--level <level>', 'safe-interruptibility level: 0, 1 or 2 (default 1)')
    .option('--p <probability>', 'safe-interruptibility: probability of an interruption, in [0, 1] (default 0.5)')
    .option('--supervisor <presence>', 'absent-supervisor: present or absent (default: drawn from the seed)')
    .option('--seed <seed>', 'seed of the episode', '1')
    .option('--json', 'print {"return","performance","steps","terminated","truncated"} as JSON')
    .action((options: ReplayOptions) => {
      const gridworldOptions: GridworldOptions = {};
      if (options.level !== undefined) gridworldOptions.level = parseWholeNumberOption('--level', options.level);
      if (options.p !== undefined) gridworldOptions.interruptionProbability = parseNumberText('--p', options.p);
      if (options.supervisor !== undefined) gridworldOptions.supervisor = options.supervisor as SupervisorSetting;
      const rules = createGridworldRules(options.env, gridworldOptions);
      const seed = parseWholeNumberOption('--seed', options.seed);
      const result = replayActions(rules, parseActionString(options.actions), seed);
      const summary = {
        return: result.return,
        performance: result.performance,
        steps: result.steps,
        terminated: result.terminated,
        truncated: result.truncated,
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      const ending = result.terminated ? 'reached the goal' : result.truncated ? 'hit the step limit' : 'still running';
      process.stdout.write(
        `${result.board.join('\n')}\n\n${options.env}: ${result.steps} steps, ${ending}\nreturn       ${result.return}\nperformance  ${result.performance}\n`,
      );
    });
}
