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

type Argument = string | null;

interface SplitArguments {
  /** Options given, each short letter on its own (`-rf` is `-r` and `-f`). */
  options: Set<string>;
  /** Values of the options that take one. */
  values: Map<string, Argument>;
  operands: Argument[];
}

/** Splits options from operands; `valued` lists the options that take a value (`-n 5`, `-n5`, `--lines=5`). */
function split(args: readonly Argument[], valued: readonly string[] = []): SplitArguments {
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

const has = (split: SplitArguments, ...names: string[]) => names.some((name) => split.options.has(name));

function readAll(scope: ProgramScope, args: readonly Argument[]): void {
  // Every word may name a file the program reads: more reads than real ones never lowers a decision.
  for (const arg of args) if (arg === null || !arg.startsWith('-')) scope.add({ kind: 'read', path: scope.path(arg) });
}

/** Writing to `path`: an overwrite when something is there to lose, else a new file. */
function store(scope: ProgramScope, value: Argument, append = false): void {
  const path = scope.path(value);
  scope.add({ kind: !append && scope.exists(path) ? 'overwrite' : 'write', path });
}

function into(scope: ProgramScope, destination: Argument, source: Argument): Argument {
  // `cp a dir` lands in dir/a.
  const path = scope.path(destination);
  if (path === anyPath || source === null) return destination;
  return scope.isFolder(path) ? posix.join(path, posix.basename(source)) : destination;
}

/** Copies and moves: sources are read (a move deletes them), the destination is written. */
function transfer(scope: ProgramScope, args: readonly Argument[], move: boolean, valued: string[]): void {
  const parts = split(args, ['-t', '--target-directory', '-S', '--suffix', ...valued]);
  const target = parts.values.get('-t') ?? parts.values.get('--target-directory');
  const sources = target === undefined ? parts.operands.slice(0, -1) : parts.operands;
  const destination = target ?? parts.operands.at(-1) ?? null;
  for (const source of sources) {
    scope.add({ kind: move ? 'delete' : 'read', path: scope.path(source) });
    store(scope, into(scope, destination, source));
  }
}

function network(scope: ProgramScope, args: readonly Argument[]): void {
  const target = args.find((arg) => arg !== null && /^[a-z][a-z0-9+.-]*:\/\/|@|^[\w-]+(?:\.[\w-]+)+$/i.test(arg));
  scope.add({ kind: 'network', target: target ?? anyPath });
}

function wrapped(scope: ProgramScope, args: readonly Argument[], depth: number, valued: string[] = []): void {
  const parts = split(args, valued);
  // The wrapped command starts at the first operand; options after it are its own.
  const start = args.indexOf(parts.operands[0] ?? null);
  if (parts.operands.length === 0 || start < 0) return;
  scope.run(args[start]!, args.slice(start + 1), depth);
}

type Rule = (scope: ProgramScope, args: readonly Argument[], depth: number, name: string) => void;

const readOnly: Rule = (scope, args) => readAll(scope, args);
const nothing: Rule = () => {};
const processControl: Rule = (scope, _args, _depth, name) => scope.add({ kind: 'process', program: name });
const networked: Rule = (scope, args) => network(scope, args);
const spending: Rule = (scope, args, _depth, name) => {
  scope.add({ kind: 'spend', program: name });
  network(scope, args);
};
const opaque =
  (what: string): Rule =>
  (scope, _args, _depth, name) =>
    scope.unclassified(`'${name}' ${what}`);

const shells: Rule = (scope, args, depth, name) => {
  const parts = split(args, ['-o', '+o', '-O']);
  const script = parts.values.get('-c') ?? (parts.options.has('-c') ? (parts.operands[0] ?? null) : undefined);
  if (script === undefined) scope.unclassified(`'${name}' runs a script file or standard input`);
  else if (script === null) scope.unclassified(`'${name} -c' runs a script computed at run time`);
  else scope.script(script, depth + 1);
};

const find: Rule = (scope, args, depth) => {
  const expressionStart = args.findIndex((arg) => arg === null || /^[-(!]/.test(arg));
  const roots = (expressionStart < 0 ? args : args.slice(0, expressionStart)).map((root) => scope.path(root));
  if (roots.length === 0) roots.push(scope.path('.'));
  const expression = expressionStart < 0 ? [] : args.slice(expressionStart);
  for (const root of roots) scope.add({ kind: 'list', path: root });
  for (let index = 0; index < expression.length; index++) {
    const word = expression[index];
    if (word === '-delete') for (const root of roots) scope.add({ kind: 'delete', path: root });
    if (word === '-fprint' || word === '-fprint0' || word === '-fprintf' || word === '-fls')
      store(scope, expression[index + 1] ?? null);
    if (word === '-exec' || word === '-execdir' || word === '-ok' || word === '-okdir') {
      const end = expression.findIndex((item, at) => at > index && (item === ';' || item === '+'));
      const command = expression.slice(index + 1, end < 0 ? undefined : end);
      // `{}` is each file found: somewhere under the roots.
      const found = roots.length === 1 ? roots[0]! : anyPath;
      scope.run(
        command[0] ?? null,
        command.slice(1).map((item) => (item === '{}' ? found : item)),
        depth,
      );
      index = end < 0 ? expression.length : end;
    }
  }
};

const sed: Rule = (scope, args) => {
  const parts = split(args, ['-e', '--expression', '-f', '--file', '-l', '--line-length']);
  const inPlace = [...parts.options].some((option) => option === '-i' || option.startsWith('--in-place'));
  const scripts = [parts.values.get('-e'), parts.values.get('--expression')].filter((value) => value !== undefined);
  const files = scripts.length > 0 || parts.values.has('-f') ? parts.operands : parts.operands.slice(1);
  const script = scripts.length > 0 ? scripts.join('\n') : (parts.operands[0] ?? null);
  // sed's own `w`, `W`, `e` and `r` commands reach files and programs the arguments do not name.
  if (script === null || parts.values.has('-f') || /(?:^|[;{}\n\s\d$/!])[wWerR]\s/.test(`${script} `))
    scope.unclassified("'sed' runs a script that may read or write other files or run programs");
  for (const file of files) {
    if (inPlace) store(scope, file);
    else scope.add({ kind: 'read', path: scope.path(file) });
  }
};

const awk: Rule = (scope, args) => {
  const parts = split(args, ['-f', '-v', '-F', '--file', '--assign', '--field-separator']);
  const program = parts.values.has('-f') ? null : (parts.operands[0] ?? null);
  if (program === null || /\bsystem\s*\(|\bgetline\b|[|>]|\bclose\s*\(|\bfflush\s*\(/.test(program))
    scope.unclassified("'awk' runs a program that may write files or run commands");
  readAll(scope, parts.values.has('-f') ? parts.operands : parts.operands.slice(1));
};

const removal: Rule = (scope, args) => {
  for (const operand of split(args).operands) scope.add({ kind: 'delete', path: scope.path(operand) });
};

const curl: Rule = (scope, args) => {
  const parts = split(args, [
    '-o',
    '--output',
    '-d',
    '--data',
    '--data-binary',
    '--data-raw',
    '-F',
    '--form',
    '-T',
    '--upload-file',
    '-H',
    '--header',
    '-X',
    '--request',
    '-u',
    '--user',
    '-A',
    '-e',
    '-K',
    '--config',
  ]);
  network(scope, parts.operands);
  for (const option of ['-o', '--output']) if (parts.values.has(option)) store(scope, parts.values.get(option)!);
  if (has(parts, '-O', '--remote-name')) store(scope, null);
  for (const option of ['-d', '--data', '--data-binary', '-F', '--form', '-T', '--upload-file', '-K', '--config']) {
    const value = parts.values.get(option);
    if (value === undefined) continue;
    // `@file` (or the file of -T) is sent: it is read.
    if (option === '-T' || option === '--upload-file') scope.add({ kind: 'read', path: scope.path(value) });
    else if (value === null || value.includes('@'))
      scope.add({ kind: 'read', path: scope.path(value?.slice(value.indexOf('@') + 1) ?? null) });
  }
};

const rules: Record<string, Rule> = {
  // Programs that only read their operands (and standard input) and write standard output.
  ...Object.fromEntries(
    (
      'cat tac head tail wc nl od xxd hexdump strings file rev base64 base32 md5sum sha1sum ' +
      'sha224sum sha256sum sha384sum sha512sum b2sum cksum sum cut paste join comm diff cmp column fold fmt expand ' +
      'unexpand less more readlink realpath jq yq grep egrep fgrep rg look tr nproc numfmt'
    )
      .split(' ')
      .map((name) => [name, readOnly]),
  ),
  ...Object.fromEntries(
    ['ls', 'dir', 'tree', 'du', 'stat'].map((name) => [
      name,
      ((scope, args) => {
        const operands = split(args, ['-I', '--ignore', '-w', '--width', '-c', '--format', '--printf', '-L']).operands;
        for (const operand of operands.length > 0 ? operands : ['.'])
          scope.add({ kind: 'list', path: scope.path(operand) });
      }) satisfies Rule,
    ]),
  ),
  // Builtins and programs with no effect outside the shell's own state.
  ...Object.fromEntries(
    (
      'echo printf true false test [ : pwd seq yes sleep whoami id uname which type help history printenv export ' +
      'set unset declare typeset local readonly read shift getopts let exit return break continue wait jobs fg bg ' +
      'disown dirs umask ulimit times hash shopt basename dirname expr bc dc factor tput clear logname groups tty ' +
      'arch users'
    )
      .split(' ')
      .map((name) => [name, nothing]),
  ),
  date: (scope, args) => {
    if (split(args, ['-d', '--date', '-r', '--reference']).options.has('-s')) processControl(scope, args, 0, 'date');
  },
  cd: (scope, args) => {
    const target = split(args).operands[0];
    if (target === undefined) scope.cwd = scope.context.home ?? null;
    else if (target === '-') scope.cwd = null;
    else {
      const path = scope.path(target);
      scope.cwd = path === anyPath ? null : path;
    }
  },
  pushd: (scope, args) => rules.cd!(scope, args, 0, 'pushd'),
  popd: (scope) => {
    scope.cwd = null;
  },
  alias: (scope, args) => {
    if (args.length > 0) scope.unclassified("'alias' renames commands for the rest of the script");
  },
  trap: (scope, args, depth) => {
    const handler = args[0];
    if (handler === null) scope.unclassified("'trap' sets a handler computed at run time");
    else if (handler !== undefined && handler !== '-' && handler !== '' && !/^-/.test(handler))
      scope.script(handler, depth + 1);
  },
  eval: (scope, args, depth) => {
    if (args.some((arg) => arg === null)) scope.unclassified("'eval' runs a command computed at run time");
    else scope.script(args.join(' '), depth + 1);
  },
  source: opaque('runs a script file whose effects are not known'),
  '.': opaque('runs a script file whose effects are not known'),
  exec: (scope, args, depth) => wrapped(scope, args, depth, ['-a']),
  command: (scope, args, depth) => {
    if (!has(split(args), '-v', '-V')) wrapped(scope, args, depth);
  },
  builtin: (scope, args, depth) => wrapped(scope, args, depth),
  nohup: (scope, args, depth) => wrapped(scope, args, depth),
  time: (scope, args, depth) => wrapped(scope, args, depth, ['-f', '-o']),
  nice: (scope, args, depth) => wrapped(scope, args, depth, ['-n', '--adjustment']),
  timeout: (scope, args, depth) => {
    const parts = split(args, ['-s', '--signal', '-k', '--kill-after']);
    const start = args.indexOf(parts.operands[1] ?? null);
    if (start >= 0) scope.run(args[start]!, args.slice(start + 1), depth);
  },
  stdbuf: (scope, args, depth) => wrapped(scope, args, depth, ['-i', '-o', '-e']),
  env: (scope, args, depth) => {
    let index = 0;
    for (; index < args.length; index++) {
      const arg = args[index]!;
      if (arg === null) break;
      if (/^(?:-u|--unset|-C|--chdir)$/.test(arg)) index += 1;
      else if (/^(?:-S|--split-string)/.test(arg)) scope.unclassified("'env -S' splits a command line of its own");
      else if (/^(?:PATH|LD_\w+|BASH_ENV|ENV)=/.test(arg))
        scope.unclassified("'env' changes how programs are found or loaded");
      else if (!arg.startsWith('-') && !/^\w+=/.test(arg)) break;
    }
    if (index < args.length) scope.run(args[index]!, args.slice(index + 1), depth);
  },
  xargs: (scope, args, depth) => {
    const parts = split(args, ['-n', '-L', '-I', '-P', '-d', '-E', '-s', '-a', '--arg-file', '--delimiter']);
    const start = args.indexOf(parts.operands[0] ?? null);
    // The arguments xargs adds come from its input: any path.
    if (start < 0) scope.run('echo', [null], depth);
    else scope.run(args[start]!, [...args.slice(start + 1), null], depth);
  },
  sudo: (scope, args, depth) => {
    scope.unclassified("'sudo' runs a command with other privileges");
    wrapped(scope, args, depth, ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U']);
  },
  doas: (scope, args, depth) => {
    scope.unclassified("'doas' runs a command with other privileges");
    wrapped(scope, args, depth, ['-u', '-C']);
  },
  su: opaque('runs commands as another user'),
  sh: shells,
  bash: shells,
  dash: shells,
  zsh: shells,
  ksh: shells,
  find,
  sed,
  awk,
  gawk: awk,
  mawk: awk,
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
  chgrp: (scope, args) => rules.chown!(scope, args, 0, 'chgrp'),
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
  git: (scope, args) => {
    const subcommand = split(args, ['-C', '-c']).operands[0];
    if (
      subcommand !== null &&
      /^(?:status|log|diff|show|blame|grep|ls-files|rev-parse|describe)$/.test(subcommand ?? '')
    )
      readAll(scope, ['.']);
    else scope.unclassified(`'git ${subcommand ?? ''}' may change the repository or reach the network`);
  },
  curl,
  wget: (scope, args) => {
    const parts = split(args, ['-O', '--output-document', '-P', '--directory-prefix', '--post-file', '-o', '-a']);
    network(scope, parts.operands);
    store(scope, parts.values.get('-O') ?? parts.values.get('--output-document') ?? null);
    if (parts.values.has('--post-file')) readAll(scope, [parts.values.get('--post-file')!]);
  },
  ...Object.fromEntries(
    'nc ncat netcat telnet ssh sftp ftp ping ping6 dig nslookup host sendmail mail mailx mutt socat whois traceroute'
      .split(' ')
      .map((name) => [name, networked]),
  ),
  scp: (scope, args) => {
    network(scope, args);
    const parts = split(args, ['-P', '-i', '-o', '-F', '-c', '-l', '-S']);
    for (const operand of parts.operands) {
      if (operand === null || /^[^/]*:/.test(operand)) continue;
      if (operand === parts.operands.at(-1)) store(scope, operand);
      else scope.add({ kind: 'read', path: scope.path(operand) });
    }
  },
  rsync: (scope, args) => {
    const parts = split(args, ['-e', '--rsh', '--exclude', '--include', '-f', '--filter']);
    if (parts.operands.some((operand) => operand === null || /^[^/]*:/.test(operand))) network(scope, args);
    if (has(parts, '--delete', '--remove-source-files'))
      for (const operand of parts.operands) removal(scope, [operand], 0, 'rsync');
    transfer(scope, parts.operands, false, []);
  },
  ...Object.fromEntries(
    'kill pkill killall shutdown reboot poweroff halt systemctl service crontab at batch init telinit'
      .split(' ')
      .map((name) => [name, processControl]),
  ),
  ...Object.fromEntries(
    'aws gcloud az stripe doctl heroku flyctl linode-cli'.split(' ').map((name) => [name, spending]),
  ),
  ...Object.fromEntries(
    'python python3 perl ruby node deno bun php lua tclsh java'
      .split(' ')
      .map((name) => [name, opaque('runs code whose effects are not known')]),
  ),
  ...Object.fromEntries(
    'apt apt-get dpkg yum dnf apk pip pip3 npm npx yarn pnpm gem cargo go make cmake ninja docker podman kubectl mount umount chroot unshare nsenter setpriv patch'
      .split(' ')
      .map((name) => [name, opaque('may change the system, the workspace or reach the network')]),
  ),
};

/** What running `name` with `args` does; a program not in the table cannot be classified. */
export function classifyProgram(name: string, args: readonly Argument[], scope: ProgramScope, depth: number): void {
  const rule = Object.hasOwn(rules, name) ? rules[name] : undefined;
  if (rule === undefined) {
    scope.unclassified(`'${name}' is not a program whose effects heed knows`);
    return;
  }
  rule(scope, args, depth, name);
}
