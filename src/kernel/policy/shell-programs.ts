import {
  type Argument,
  has,
  network,
  type ProgramScope,
  type Rule,
  readAll,
  split,
  store,
  transfer,
  wrapped,
} from './shell-arguments.ts';
import { anyPath } from './shell-effects.ts';
import { fileRules, removal } from './shell-file-programs.ts';

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
  ...fileRules,
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
