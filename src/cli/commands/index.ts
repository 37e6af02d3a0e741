import type { Command } from 'commander';
import { registerAuditCommand } from './audit.ts';
import { registerAuthorityCommand } from './authority.ts';
import { registerCharterCommand } from './charter.ts';
import { registerEvalCommand } from './eval.ts';
import { registerFakeModelCommand } from './fake-model.ts';
import { registerKeysCommand } from './keys.ts';
import { registerLabCommand } from './lab.ts';
import { registerOrderCommand } from './order.ts';
import { registerOrderSendCommand } from './order-send.ts';
import { registerRunCommand } from './run.ts';
import { registerScreenCommand } from './screen.ts';

/** Every top-level command, in the order `heed --help` lists them. */
export function registerCommands(program: Command): void {
  registerRunCommand(program);
  registerLabCommand(program);
  registerEvalCommand(program);
  registerCharterCommand(program);
  registerKeysCommand(program);
  registerOrderCommand(program);
  registerOrderSendCommand(program);
  registerAuthorityCommand(program);
  registerFakeModelCommand(program);
  registerAuditCommand(program);
  registerScreenCommand(program);
}
