import type { Command } from 'commander';
import { registerCharterCommand } from './charter.ts';
import { registerLabCommand } from './lab.ts';
import { registerScreenCommand } from './screen.ts';

/** Every top-level command, in the order `heed --help` lists them. */
export function registerCommands(program: Command): void {
  registerLabCommand(program);
  registerCharterCommand(program);
  registerScreenCommand(program);
}
