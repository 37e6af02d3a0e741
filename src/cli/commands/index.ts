import type { Command } from 'commander';

type Registrar = (program: Command) => void;

interface CommandEntry {
  name: string;
  /** The line `heed --help` shows; the command's own help says more. */
  summary: string;
  load: () => Promise<Registrar[]>;
}

/**
 * Every top-level command, in the order `heed --help` lists them. A command's module is loaded only when
 * that command runs: most of them pull in large dependencies, and a CLI should start fast.
 */
export const commandEntries: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run one agent under its charter: stoppable, authenticated, checked and audited',
    load: async () => [(await import('./run.ts')).registerRunCommand],
  },
  {
    name: 'proxy',
    summary: 'an MCP gateway: upstream MCP servers behind the charter, checks, screening, audit and stop',
    load: async () => [(await import('./proxy.ts')).registerProxyCommand],
  },
  {
    name: 'lab',
    summary: 'formal environments where alignment targets are objectives (no model, no network)',
    load: async () => [(await import('./lab.ts')).registerLabCommand],
  },
  {
    name: 'eval',
    summary: 'run the scenario suite for the four failure modes against models, with and without the kernel',
    load: async () => [(await import('./eval.ts')).registerEvalCommand],
  },
  {
    name: 'charter',
    summary: 'validate and render charters',
    load: async () => [(await import('./charter.ts')).registerCharterCommand],
  },
  {
    name: 'keys',
    summary: "make principals' Ed25519 keys",
    load: async () => [(await import('./keys.ts')).registerKeysCommand],
  },
  {
    name: 'order',
    summary: 'sign, co-sign, verify and send orders (signed envelopes)',
    load: async () => [
      (await import('./order.ts')).registerOrderCommand,
      (await import('./order-send.ts')).registerOrderSendCommand,
      (await import('./order-pending.ts')).registerOrderPendingCommands,
    ],
  },
  {
    name: 'checks',
    summary: 'list, approve and deny the actions your agents hold for a signed approval (heed serve)',
    load: async () => [(await import('./checks.ts')).registerChecksCommand],
  },
  {
    name: 'authority',
    summary: 'explain who holds authority over an agent, and why',
    load: async () => [(await import('./authority.ts')).registerAuthorityCommand],
  },
  {
    name: 'audit',
    summary: 'verify, read and export the hash-chained audit log',
    load: async () => [(await import('./audit.ts')).registerAuditCommand],
  },
  {
    name: 'serve',
    summary: 'serve the control plane that agents join and principals govern as a fleet',
    load: async () => [(await import('./serve.ts')).registerServeCommand],
  },
  {
    name: 'fleet',
    summary: 'list the agents joined to a control plane, and stop, resume or lease a group with one signed order',
    load: async () => [(await import('./fleet.ts')).registerFleetCommand],
  },
  {
    name: 'screen',
    summary: 'screen text for jailbreaks, injected instructions and claimed authority',
    load: async () => [(await import('./screen.ts')).registerScreenCommand],
  },
  {
    name: 'fake-model',
    summary: 'start a local OpenAI-compatible model server with scripted behaviours, to test agents against',
    load: async () => [(await import('./fake-model.ts')).registerFakeModelCommand],
  },
];

/** The command a command line names: its first operand, or the one after `help`. */
export function requestedCommand(args: readonly string[]): string | undefined {
  const operands = args.filter((arg) => !arg.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * Registers the requested command in full (or every command, with `all`), and the others as one-line
 * entries for `heed --help`.
 */
export async function registerCommands(program: Command, args: readonly string[], all = false): Promise<void> {
  const requested = requestedCommand(args);
  for (const entry of commandEntries) {
    if (all || entry.name === requested) {
      for (const register of await entry.load()) register(program);
    } else {
      program.command(entry.name).description(entry.summary);
    }
  }
}
