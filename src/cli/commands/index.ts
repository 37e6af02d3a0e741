import type { Command } from 'commander';
import { registerCharterCommand } from './charter.ts';

/** Every top-level command, in the order `heed --help` lists them. */
export function registerCommands(program: Command): void {
  registerCharterCommand(program);
}
