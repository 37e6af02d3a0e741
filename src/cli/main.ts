import { Command, CommanderError } from 'commander';
import { InvalidInputError, isHeedError, UnreachableError } from '../core/heed-error.ts';
import { heedVersion } from '../core/heed-version.ts';
import { MissingPackageError } from '../core/import-optional.ts';
import { registerCommands } from './commands/index.ts';
import { exitCodes } from './exit-codes.ts';
import { paint } from './style.ts';

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
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 a negative verdict (rejected, flagged, broken, halted), 2 bad usage or input,\n3 a service that cannot be reached. NO_COLOR=1 turns colour off.',
    )
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

function errorPrefix(): string {
  return paint(['red', 'bold'], 'heed:', process.stderr);
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 a negative verdict, 2 bad usage or bad input, 3 a service
 * that cannot be reached.
 */
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
    if (error instanceof InvalidInputError || error instanceof MissingPackageError) {
      process.stderr.write(`${errorPrefix()} ${error.message}\n`);
      return exitCodes.badInput;
    }
    if (error instanceof UnreachableError) {
      process.stderr.write(`${errorPrefix()} ${error.message}\n`);
      return exitCodes.unreachable;
    }
    if (isHeedError(error)) {
      process.stderr.write(`${errorPrefix()} ${error.message} (${error.code})\n`);
      return exitCodes.failure;
    }
    process.stderr.write(
      `${errorPrefix()} unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return exitCodes.failure;
  }
}

/**
 * `heed` as a process: `main`, and a reader that stops reading early (`heed eval list --json | head`) ends heed
 * quietly, as it ends `cat`, instead of with an EPIPE stack trace.
 */
export async function runCli(argv: string[]): Promise<number> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode ?? exitCodes.success);
    });
  }
  return main(argv);
}
