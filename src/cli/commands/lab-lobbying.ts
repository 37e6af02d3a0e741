import type { Command } from 'commander';
import { InvalidInputError, UnknownNameError } from '../../core/heed-error.ts';
import { lobbyingAgentNames } from '../../lab/lobbying/lobbying-agents.ts';
import { parseLobbyingPower } from '../../lab/lobbying/lobbying-power.ts';
import { runLobbying } from '../../lab/lobbying/run-lobbying.ts';

export function registerLabLobbyingCommand(lab: Command): void {
  lab
    .command('lobbying')
    .description("Holtman's lobbying world: does the agent lobby to delay the change of its instruction?")
    .option('--agent <name>', `the agent: ${lobbyingAgentNames.join(', ')}`)
    .option('--power <L>', 'lobbying power L, a decimal ≥ 0 (e.g. 0, 0.5, 2): each lobbying step moves the press by L')
    .option('--json', 'print {"trace","utility","pressStep","lobbyingSteps"}')
    .action((options: { agent?: string; power?: string; json?: boolean }) => {
      if (options.agent === undefined) {
        throw new InvalidInputError(`Missing --agent. Known agents: ${lobbyingAgentNames.join(', ')}.`);
      }
      if (!(lobbyingAgentNames as readonly string[]).includes(options.agent)) {
        throw new UnknownNameError('agent', options.agent, lobbyingAgentNames);
      }
      if (options.power === undefined) throw new InvalidInputError('Missing --power L (a decimal ≥ 0, e.g. 0.5).');
      const run = runLobbying(options.agent, parseLobbyingPower(options.power));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(run)}\n`);
        return;
      }
      process.stdout.write(
        [
          `trace:   ${run.trace}`,
          `utility: ${run.utility}  (discounted return under the switching reward)`,
          run.pressStep === null
            ? 'The button was never pressed.'
            : `The button was pressed at the end of step ${run.pressStep}.`,
          `Lobbying steps: ${run.lobbyingSteps}`,
          '',
        ].join('\n'),
      );
    });
}
