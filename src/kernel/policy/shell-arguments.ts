// What every program's classification shares: its scope, and reading its arguments as options and operands.
import { posix } from 'node:path';
import { anyPath, type ShellContext, type ShellEffect } from './shell-effects.ts';

/** What a program's classification may do: add effects, give up, or classify a nested script or command. */
export interface ProgramScope {
  readonly context: ShellContext;
  cwd: string | null;
  add(effect: ShellEffect): void;
  unclassified(reason: string): void;
  path(value: string | null): string;
  exists(path: string): boolean;
  isFolder(path: string): boolean;
  script(text: string, depth: number): void;
  run(name: string | null, args: Array<string | null>, depth: number): void;
}

export type Argument = string | null;

export interface SplitArguments {
  /** Options given, each short letter on its own (`-rf` is `-r` and `-f`). */
  options: Set<string>;
  /** Values of the options that take one. */
  values: Map<string, Argument>;
  operands: Argument[];
}

/** Splits options from operands; `valued` lists the options that take a value (`-n 5`, `-n5`, `--lines=5`). */
export function split(args: readonly Argument[], valued: readonly string[] = []): SplitArguments {
  const options = new Set<string>();
  const values = new Map<string, Argument>();
  const operands: Argument[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === null || arg === '-' || !arg.startsWith('-')) {
      operands.push(arg);
      continue;
    }
    if (arg === '--') {
      operands.push(...args.slice(index + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [name, value] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
      options.add(name);
      if (value !== undefined) values.set(name, value);
      else if (valued.includes(name)) values.set(name, args[++index] ?? null);
      continue;
    }
    for (let letter = 1; letter < arg.length; letter++) {
      const option = `-${arg[letter]}`;
      options.add(option);
      if (valued.includes(option)) {
        values.set(option, letter + 1 < arg.length ? arg.slice(letter + 1) : (args[++index] ?? null));
        break;
      }
    }
  }
  return { options, values, operands };
}

export const has = (split: SplitArguments, ...names: string[]) => names.some((name) => split.options.has(name));

export function readAll(scope: ProgramScope, args: readonly Argument[]): void {
  // Every word may name a file the program reads: more reads than real ones never lowers a decision.
  for (const arg of args) if (arg === null || !arg.startsWith('-')) scope.add({ kind: 'read', path: scope.path(arg) });
}

/** Writing to `path`: an overwrite when something is there to lose, else a new file. */
export function store(scope: ProgramScope, value: Argument, append = false): void {
  const path = scope.path(value);
  scope.add({ kind: !append && scope.exists(path) ? 'overwrite' : 'write', path });
}

export function into(scope: ProgramScope, destination: Argument, source: Argument): Argument {
  // `cp a dir` lands in dir/a.
  const path = scope.path(destination);
  if (path === anyPath || source === null) return destination;
  return scope.isFolder(path) ? posix.join(path, posix.basename(source)) : destination;
}

/** Copies and moves: sources are read (a move deletes them), the destination is written. */
export function transfer(scope: ProgramScope, args: readonly Argument[], move: boolean, valued: string[]): void {
  const parts = split(args, ['-t', '--target-directory', '-S', '--suffix', ...valued]);
  const target = parts.values.get('-t') ?? parts.values.get('--target-directory');
  const sources = target === undefined ? parts.operands.slice(0, -1) : parts.operands;
  const destination = target ?? parts.operands.at(-1) ?? null;
  for (const source of sources) {
    scope.add({ kind: move ? 'delete' : 'read', path: scope.path(source) });
    store(scope, into(scope, destination, source));
  }
}

export function network(scope: ProgramScope, args: readonly Argument[]): void {
  const target = args.find((arg) => arg !== null && /^[a-z][a-z0-9+.-]*:\/\/|@|^[\w-]+(?:\.[\w-]+)+$/i.test(arg));
  scope.add({ kind: 'network', target: target ?? anyPath });
}

export function wrapped(scope: ProgramScope, args: readonly Argument[], depth: number, valued: string[] = []): void {
  const parts = split(args, valued);
  // The wrapped command starts at the first operand; options after it are its own.
  const start = args.indexOf(parts.operands[0] ?? null);
  if (parts.operands.length === 0 || start < 0) return;
  scope.run(args[start]!, args.slice(start + 1), depth);
}

export type Rule = (scope: ProgramScope, args: readonly Argument[], depth: number, name: string) => void;
