import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { isPathWithin } from '../../core/path-within.ts';
import { type ControlPlaneGuard, identityKey } from './control-plane-guard.ts';
import { resolvePhysicalPath } from './resolve-physical-path.ts';
import { type SandboxEntry, sandboxDevices, sandboxFstab, sandboxScript } from './sandbox-script.ts';

const run = promisify(execFile);

/** System folders a command sees, read-only; everything else outside the workspace is absent. */
const systemFolders = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];
const workspaceScanLimit = 100_000;
const nobody = { uid: 65_534, gid: 65_534 };
const setIdBits = 0o6000;

export type SandboxPlan =
  | { ok: true; entries: SandboxEntry[]; links: { path: string; target: string }[]; path: string }
  | { ok: false; reason: string };

export type ShellIsolation = { available: true; sandbox: ShellSandbox } | { available: false; reason: string };

export interface ShellSandboxOptions {
  /** The physical workspace path (as `Workspace.root`). */
  workspace: string;
  guard: ControlPlaneGuard;
  /** The PATH commands get; its folders are shown read-only (default: heed's own PATH). */
  path?: string;
  /** More folders to show read-only, such as a toolchain outside the system folders. */
  readOnlyFolders?: readonly string[];
}

export const enableIsolationHint =
  'The shell tool runs each command in its own mount, network and PID namespaces with util-linux ' +
  "'unshare' and 'setpriv'; it needs Linux, both programs on PATH, and root (or unprivileged user " +
  'namespaces: sysctl kernel.unprivileged_userns_clone=1). Without them the shell tool stays off; the file tools still work.';

function findProgram(name: string, searchPath: string): string | undefined {
  for (const folder of searchPath.split(delimiter)) {
    if (!isAbsolute(folder)) continue;
    try {
      accessSync(join(folder, name), constants.X_OK);
      return join(folder, name);
    } catch {}
  }
  return undefined;
}

/** Builds, for each command, the namespace sandbox described in `sandbox-script.ts`. */
export class ShellSandbox {
  readonly workspace: string;
  readonly #guard: ControlPlaneGuard;
  readonly #path: string;
  readonly #readOnlyFolders: readonly string[];
  readonly #unshare: string;

  private constructor(options: ShellSandboxOptions, unshare: string) {
    this.workspace = options.workspace;
    this.#guard = options.guard;
    this.#path = options.path ?? process.env.PATH ?? '/usr/bin:/bin';
    this.#readOnlyFolders = options.readOnlyFolders ?? [];
    this.#unshare = unshare;
  }

  /**
   * Finds out whether commands can be isolated here, by building a sandbox and checking from inside
   * it that no capability and no network interface but loopback is left. Never throws: an
   * unavailable sandbox is a value with the reason.
   */
  static async detect(options: ShellSandboxOptions): Promise<ShellIsolation> {
    if (process.platform !== 'linux') {
      return {
        available: false,
        reason: `shell isolation needs Linux, not ${process.platform}. ${enableIsolationHint}`,
      };
    }
    const searchPath = `${options.path ?? process.env.PATH ?? ''}${delimiter}/usr/bin${delimiter}/bin`;
    const unshare = findProgram('unshare', searchPath);
    const setpriv = findProgram('setpriv', searchPath);
    if (!unshare || !setpriv) {
      const missing = [unshare ? undefined : 'unshare', setpriv ? undefined : 'setpriv'].filter(Boolean).join(' and ');
      return { available: false, reason: `${missing} not found (install util-linux). ${enableIsolationHint}` };
    }
    const sandbox = new ShellSandbox(options, unshare);
    const plan = await sandbox.plan();
    if (!plan.ok) return { available: false, reason: plan.reason };
    const probe = 'grep CapEff /proc/self/status; echo heed-network; cat /proc/net/dev';
    const invocation = await sandbox.invocation(plan, probe);
    try {
      const { stdout } = await run(invocation.file, invocation.args, {
        env: sandbox.environment(plan),
        cwd: options.workspace,
        timeout: 10_000,
      });
      const capabilities = /CapEff:\s*([0-9a-f]+)/.exec(stdout)?.[1];
      const network = stdout.slice(stdout.indexOf('heed-network'));
      const interfaces = [...network.matchAll(/^[ \t]*([^\s:|]+):/gm)].map((match) => match[1]);
      if (capabilities === undefined || /[^0]/.test(capabilities)) {
        return {
          available: false,
          reason: `the trial sandbox kept capabilities (${capabilities}). ${enableIsolationHint}`,
        };
      }
      if (interfaces.some((name) => name !== 'lo')) {
        return { available: false, reason: `the trial sandbox could see the network (${interfaces.join(', ')}).` };
      }
      return { available: true, sandbox };
    } catch (error) {
      const detail = ((error as { stderr?: string }).stderr ?? String(error)).trim().split('\n').slice(-2).join(' ');
      return { available: false, reason: `a trial sandbox failed: ${detail}. ${enableIsolationHint}` };
    } finally {
      await invocation.release();
    }
  }

  /**
   * Decides what the next command sees. Recomputed for every command: protected files come and go
   * (a database's -wal) and a hard link to one may appear in the workspace.
   */
  async plan(): Promise<SandboxPlan> {
    const visible: string[] = [];
    const entries: SandboxEntry[] = [];
    const links: { path: string; target: string }[] = [];
    const protectedEntries = this.#guard.protectedEntries();
    const isProtected = (path: string) =>
      protectedEntries.some((entry) => isPathWithin(path, entry.physicalPath) || isPathWithin(path, entry.path));
    for (const folder of systemFolders) {
      const stats = await lstat(folder).catch(() => undefined);
      if (stats?.isSymbolicLink()) links.push({ path: folder, target: await readlink(folder) });
      else if (stats?.isDirectory()) {
        entries.push({ kind: 'read-only', path: folder });
        visible.push(folder);
      }
    }
    const commandPath: string[] = [];
    for (const folder of [...this.#path.split(delimiter), ...this.#readOnlyFolders]) {
      if (!isAbsolute(folder)) continue;
      // A folder this user may not even look at (another user's PATH entry) is not shown.
      const physical = (() => {
        try {
          return resolvePhysicalPath(folder);
        } catch {
          return undefined;
        }
      })();
      if (!physical?.resolved || !physical.exists || isProtected(physical.path)) continue;
      if (!this.#readOnlyFolders.includes(folder)) commandPath.push(physical.path);
      if (visible.some((shown) => isPathWithin(physical.path, shown)) || isPathWithin(physical.path, this.workspace))
        continue;
      entries.push({ kind: 'read-only', path: physical.path });
      visible.push(physical.path);
    }
    const areas = [...visible, this.workspace];
    const hidden: string[] = [];
    for (const entry of protectedEntries) {
      const path = entry.physicalPath;
      if (!areas.some((area) => isPathWithin(path, area)) || hidden.some((folder) => isPathWithin(path, folder)))
        continue;
      if (entry.identity) {
        entries.push({ kind: entry.directory ? 'hidden-folder' : 'hidden-file', path });
        if (entry.directory) hidden.push(path);
        continue;
      }
      // A missing protected path is hidden by hiding its nearest existing folder, unless that would hide a whole visible area.
      let folder = posix.dirname(path);
      while (!(await lstat(folder).catch(() => undefined))) folder = posix.dirname(folder);
      if (hidden.some((shown) => isPathWithin(folder, shown))) continue;
      if (areas.some((area) => isPathWithin(area, folder))) {
        return {
          ok: false,
          reason: `cannot hide the control-plane path '${entry.path}' from commands: it does not exist yet and its folder '${folder}' is the workspace or a system folder. Keep heed's state and keys outside the workspace.`,
        };
      }
      entries.push({ kind: 'hidden-folder', path: folder });
      hidden.push(folder);
    }
    const linked = this.#guard.linkedProtectedFiles();
    if (linked.size > 0) {
      const found = await findLinkedFiles(this.workspace, linked);
      if (!found.ok) return found;
      for (const path of found.paths) entries.push({ kind: 'hidden-file', path });
    }
    return { ok: true, entries, links, path: [...new Set(commandPath)].join(delimiter) || '/usr/bin:/bin' };
  }

  /**
   * Who a command runs as when heed runs as root: the workspace's owner, so it can work on the files there, or
   * nobody when root owns the workspace. Never root: a root command could read /etc/shadow or plant a setuid-root
   * file.
   */
  async commandUser(): Promise<{ uid: number; gid: number }> {
    const owner = await lstat(this.workspace).catch(() => undefined);
    return owner !== undefined && owner.uid !== 0 ? { uid: owner.uid, gid: owner.gid } : nobody;
  }

  /**
   * Clears the setuid and setgid bits of every file in the workspace. A command may set them on files it owns (the
   * nosuid mount keeps them inert inside the sandbox); outside it, no file it leaves behind may run as its owner.
   */
  async clearSetIdBits(): Promise<string[]> {
    const cleared: string[] = [];
    const pending = [this.workspace];
    let seen = 0;
    while (pending.length > 0 && seen <= workspaceScanLimit) {
      const folder = pending.pop()!;
      for (const child of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
        seen += 1;
        const path = join(folder, child.name);
        if (child.isDirectory()) pending.push(path);
        if (!child.isFile()) continue;
        const stats = await lstat(path).catch(() => undefined);
        if (stats === undefined || (stats.mode & setIdBits) === 0) continue;
        await chmod(path, stats.mode & 0o1777).then(
          () => cleared.push(path),
          () => undefined,
        );
      }
    }
    return cleared;
  }

  /** The scrubbed environment: nothing of heed's (no HEED_*, no API keys) reaches a command. */
  environment(plan: { path: string }): NodeJS.ProcessEnv {
    return { PATH: plan.path, HOME: this.workspace, LANG: process.env.LANG ?? 'C.UTF-8', TERM: 'dumb' };
  }

  /**
   * The program and arguments that run `command` in a sandbox. The skeleton of the new root and
   * its fstab are made here, in a fresh staging folder; `release` removes it after the command.
   */
  async invocation(
    plan: Extract<SandboxPlan, { ok: true }>,
    command: string,
  ): Promise<{ file: string; args: string[]; stage: string; release: () => Promise<void> }> {
    const stage = await mkdtemp(join(tmpdir(), 'heed-sandbox-'));
    const release = () => rm(stage, { recursive: true, force: true }).catch(() => undefined);
    try {
      const root = join(stage, 'root');
      await mkdir(join(root, 'dev'), { recursive: true });
      await Promise.all([
        mkdir(join(root, 'tmp')),
        mkdir(join(root, 'proc')),
        writeFile(join(root, '.heed-empty'), ''),
      ]);
      for (const device of sandboxDevices) await writeFile(join(root, 'dev', device), '');
      for (const [name, target] of [
        ['fd', '/proc/self/fd'],
        ['stdin', '/proc/self/fd/0'],
        ['stdout', '/proc/self/fd/1'],
        ['stderr', '/proc/self/fd/2'],
      ] as const) {
        await symlink(target, join(root, 'dev', name));
      }
      for (const link of plan.links) {
        await mkdir(join(root, posix.dirname(link.path)), { recursive: true });
        await symlink(link.target, root + link.path);
      }
      for (const entry of plan.entries) {
        if (entry.kind === 'read-only') await mkdir(root + entry.path, { recursive: true });
      }
      // Under /tmp the workspace's mount point is made inside the sandbox's own /tmp (X-mount.mkdir).
      if (!isPathWithin(this.workspace, '/tmp')) await mkdir(root + this.workspace, { recursive: true });
      const fstab = join(stage, 'fstab');
      await writeFile(fstab, sandboxFstab(root, this.workspace, plan.entries));
      const asRoot = process.getuid?.() === 0;
      const user = asRoot ? [] : ['--user', '--map-root-user'];
      const namespaces = ['--mount', '--propagation', 'private', '--net', '--ipc', '--uts'];
      const commandUser = asRoot ? await this.commandUser() : undefined;
      const switchUser =
        commandUser === undefined ? '' : `--reuid=${commandUser.uid} --regid=${commandUser.gid} --clear-groups`;
      const script = ['/bin/sh', '-c', sandboxScript, 'heed-sandbox', fstab, root, this.workspace, command, switchUser];
      return { file: this.#unshare, args: [...user, ...namespaces, '--', ...script], stage, release };
    } catch (error) {
      await release();
      throw error;
    }
  }
}

/** Files in the workspace that are hard links to protected files, to be hidden from the command. */
async function findLinkedFiles(
  workspace: string,
  linked: Map<string, string>,
): Promise<{ ok: true; paths: string[] } | { ok: false; reason: string }> {
  const paths: string[] = [];
  const pending = [workspace];
  let seen = 0;
  while (pending.length > 0) {
    const folder = pending.shift()!;
    for (const child of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      seen += 1;
      if (seen > workspaceScanLimit) {
        return {
          ok: false,
          reason: `a control-plane file has hard links and the workspace has more than ${workspaceScanLimit} entries to search for them`,
        };
      }
      const path = join(folder, child.name);
      if (child.isDirectory()) pending.push(path);
      else if (child.isFile()) {
        const stats = await lstat(path).catch(() => undefined);
        if (stats && stats.nlink > 1 && linked.has(identityKey(stats))) paths.push(path);
      }
    }
  }
  return { ok: true, paths };
}
