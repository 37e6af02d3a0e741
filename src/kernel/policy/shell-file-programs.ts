// Programs that change files: what each creates, overwrites, deletes or re-permits, judged from its arguments.

import { has, into, type Rule, readAll, split, store, transfer } from './shell-arguments.ts';
import { anyPath } from './shell-effects.ts';

export const removal: Rule = (scope, args) => {
  for (const operand of split(args).operands) scope.add({ kind: 'delete', path: scope.path(operand) });
};

/** The programs that change files, by name. */
export const fileRules: Record<string, Rule> = {
  rm: removal,
  rmdir: removal,
  unlink: removal,
  shred: (scope, args) => {
    const parts = split(args, ['-n', '--iterations', '-s', '--size']);
    for (const operand of parts.operands) {
      scope.add({ kind: has(parts, '-u', '--remove') ? 'delete' : 'overwrite', path: scope.path(operand) });
    }
  },
  mv: (scope, args) => transfer(scope, args, true, []),
  cp: (scope, args) => transfer(scope, args, false, []),
  install: (scope, args) => transfer(scope, args, false, ['-m', '--mode', '-o', '--owner', '-g', '--group']),
  ln: (scope, args) => {
    const parts = split(args, ['-t', '--target-directory', '-S', '--suffix']);
    const link = parts.values.get('-t') ?? (parts.operands.length > 1 ? parts.operands.at(-1)! : '.');
    const path = scope.path(into(scope, link, parts.operands[0] ?? null));
    scope.add({ kind: has(parts, '-f', '--force') && scope.exists(path) ? 'overwrite' : 'write', path });
  },
  touch: (scope, args) => {
    const parts = split(args, ['-r', '--reference', '-d', '--date', '-t']);
    for (const operand of parts.operands) scope.add({ kind: 'write', path: scope.path(operand) });
  },
  mkdir: (scope, args) => {
    for (const operand of split(args, ['-m', '--mode']).operands)
      scope.add({ kind: 'write', path: scope.path(operand) });
  },
  mktemp: (scope) => scope.add({ kind: 'write', path: anyPath }),
  chmod: (scope, args) => {
    const parts = split(args, ['--reference']);
    // A symbolic mode such as -x is an option to the parser above; a numeric or +x one is the first operand.
    const mode = [...parts.options].some((option) => /^-[rwxXst]$/.test(option));
    const files = mode || parts.values.has('--reference') ? parts.operands : parts.operands.slice(1);
    for (const file of files) scope.add({ kind: 'permissions', path: scope.path(file) });
  },
  chown: (scope, args) => {
    for (const file of split(args, ['--reference']).operands.slice(1))
      scope.add({ kind: 'permissions', path: scope.path(file) });
  },
  chgrp: (scope, args) => fileRules.chown!(scope, args, 0, 'chgrp'),
  truncate: (scope, args) => {
    for (const operand of split(args, ['-s', '--size', '-r', '--reference']).operands)
      scope.add({ kind: 'overwrite', path: scope.path(operand) });
  },
  tee: (scope, args) => {
    const parts = split(args);
    for (const operand of parts.operands) store(scope, operand, has(parts, '-a', '--append'));
  },
  dd: (scope, args) => {
    for (const arg of args) {
      if (arg === null) scope.add({ kind: 'overwrite', path: anyPath });
      else if (arg.startsWith('if=')) scope.add({ kind: 'read', path: scope.path(arg.slice(3)) });
      else if (arg.startsWith('of=')) store(scope, arg.slice(3));
    }
  },
  sort: (scope, args) => {
    const parts = split(args, [
      '-o',
      '--output',
      '-k',
      '--key',
      '-t',
      '--field-separator',
      '-S',
      '-T',
      '--files0-from',
    ]);
    readAll(scope, parts.operands);
    const output = parts.values.get('-o') ?? parts.values.get('--output');
    if (output !== undefined) store(scope, output);
  },
  uniq: (scope, args) => {
    const parts = split(args, ['-f', '-s', '-w']);
    readAll(scope, parts.operands.slice(0, 1));
    if (parts.operands.length > 1) store(scope, parts.operands[1]!);
  },
  split: (scope, args) => {
    const parts = split(args, ['-l', '-b', '-C', '-n', '-a', '--additional-suffix']);
    readAll(scope, parts.operands.slice(0, 1));
    scope.add({ kind: 'write', path: scope.path(parts.operands[1] ?? '.') });
  },
  tar: (scope, args) => {
    const first = args[0] ?? '';
    const parts = split(args, ['-f', '--file', '-C', '--directory', '-T', '-X']);
    const bundled = first !== null && /^[a-zA-Z]+$/.test(first) ? first : '';
    const mode = (letter: string) => parts.options.has(`-${letter}`) || bundled.includes(letter);
    const archive = parts.values.get('-f') ?? parts.values.get('--file') ?? (bundled.includes('f') ? args[1] : null);
    const folder = parts.values.get('-C') ?? parts.values.get('--directory') ?? '.';
    if (mode('x')) {
      scope.add({ kind: 'read', path: scope.path(archive ?? null) });
      scope.add({ kind: 'overwrite', path: scope.path(folder) });
    } else if (mode('c') || mode('r') || mode('u')) {
      readAll(scope, parts.operands);
      store(scope, archive ?? null);
    } else readAll(scope, [archive ?? null]);
  },
  unzip: (scope, args) => {
    const parts = split(args, ['-d', '-x']);
    if (has(parts, '-l', '-t', '-v', '-p', '-Z')) return readAll(scope, parts.operands);
    readAll(scope, parts.operands.slice(0, 1));
    scope.add({ kind: 'overwrite', path: scope.path(parts.values.get('-d') ?? '.') });
  },
  zip: (scope, args) => {
    const parts = split(args, ['-x', '-i', '-b', '-n', '-P']);
    store(scope, parts.operands[0] ?? null);
    readAll(scope, parts.operands.slice(1));
    if (has(parts, '-m')) for (const operand of parts.operands.slice(1)) removal(scope, [operand], 0, 'zip');
  },
  ...Object.fromEntries(
    ['gzip', 'gunzip', 'bzip2', 'bunzip2', 'xz', 'unxz', 'zstd', 'unzstd', 'compress', 'uncompress'].map((name) => [
      name,
      ((scope, args) => {
        const parts = split(args, ['-S', '--suffix', '-T', '--threads']);
        if (has(parts, '-c', '--stdout', '-l', '--list', '-t', '--test')) return readAll(scope, parts.operands);
        // Compressing replaces each file with its compressed form (and the other way round).
        for (const operand of parts.operands) {
          if (!has(parts, '-k', '--keep')) scope.add({ kind: 'delete', path: scope.path(operand) });
          scope.add({ kind: 'overwrite', path: anyPath });
        }
      }) satisfies Rule,
    ]),
  ),
};
