import type { Command } from 'commander';
import { registerLabChannelsCommand } from './lab-channels.ts';
import { registerLabCharterCommand } from './lab-charter.ts';
import { registerLabDriftCommand } from './lab-drift.ts';
import { registerLabDwimacCommand } from './lab-dwimac.ts';
import { registerLabForgedCommand } from './lab-forged.ts';
import { registerLabLeaseCommand } from './lab-lease.ts';
import { registerLabLobbyingCommand } from './lab-lobbying.ts';
import { registerLabMisuseCommand } from './lab-misuse.ts';
import { registerLabOffSwitchCommand } from './lab-offswitch.ts';
import { registerLabReplayCommand } from './lab-replay.ts';
import { registerLabRunCommand } from './lab-run.ts';

/** Each registrar adds one subcommand to `heed lab`; `run` is the default. */
const labSubcommands: ReadonlyArray<(lab: Command) => void> = [
  registerLabRunCommand,
  registerLabReplayCommand,
  registerLabOffSwitchCommand,
  registerLabLobbyingCommand,
  registerLabCharterCommand,
  registerLabChannelsCommand,
  registerLabForgedCommand,
  registerLabLeaseCommand,
  registerLabDwimacCommand,
  registerLabMisuseCommand,
  registerLabDriftCommand,
];

export function registerLabCommand(program: Command): void {
  const lab = program
    .command('lab')
    .description('formal environments where alignment targets are objectives (no model, no network)');
  for (const register of labSubcommands) register(lab);
}
