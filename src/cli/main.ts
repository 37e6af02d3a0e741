import { Command, CommanderError } from 'commander';
import { InvalidInputError, isHeedError } from '../core/heed-error.ts';
import { heedVersion } from '../core/heed-version.ts';
import { registerCommands } from './commands/index.ts';
import { exitCodes } from './exit-codes.ts';

export async function createProgram(
  args: readonly string[] = [],
  options: { allCommands?: boolean } = {},
): Promise<Command> {
  const program = new Command('heed')
    .description(
      'heed makes instruction-following LLM agents stoppable, authenticated and checkable,\nand measures where instruction-following as an alignment target fails.',
    )
    .version(heedVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  await registerCommands(program, args, options.allCommands);
  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function* allCommands(command: Command): Generator<Command> {
  for (const child of command.commands) {
    yield child;
    yield* allCommands(child);
  }
}

/** Runs the CLI and returns its exit code: 0 success, 1 a negative verdict, 2 bad usage or bad input. */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await (await createProgram(argv.slice(2))).parseAsync(argv);
    return Number(process.exitCode ?? exitCodes.success);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? exitCodes.success : exitCodes.badInput;
    }
    if (error instanceof InvalidInputError) {
      process.stderr.write(`heed: ${error.message}\n`);
      return exitCodes.badInput;
    }
    if (isHeedError(error)) {
      process.stderr.write(`heed: ${error.message} (${error.code})\n`);
      return exitCodes.failure;
    }
    process.stderr.write(
      `heed: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return exitCodes.failure;
  }
}
