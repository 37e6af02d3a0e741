import type { Command } from 'commander';
import { registerAuditCommand } from './audit.ts';
import { registerCharterCommand } from './charter.ts';
import { registerLabCommand } from './lab.ts';

/** Every top-level command, in the order `heed --help` lists them. */
export function registerCommands(program: Command): void {
  registerLabCommand(program);
  registerCharterCommand(program);
  registerAuditCommand(program);
}
