import type { Command } from 'commander';
import { registerAuthorityCommand } from './authority.ts';
import { registerCharterCommand } from './charter.ts';
import { registerFakeModelCommand } from './fake-model.ts';
import { registerKeysCommand } from './keys.ts';
import { registerLabCommand } from './lab.ts';
import { registerOrderCommand } from './order.ts';

/** Every top-level command, in the order `heed --help` lists them. */
export function registerCommands(program: Command): void {
  registerLabCommand(program);
  registerCharterCommand(program);
  registerKeysCommand(program);
  registerOrderCommand(program);
  registerAuthorityCommand(program);
  registerFakeModelCommand(program);
}
