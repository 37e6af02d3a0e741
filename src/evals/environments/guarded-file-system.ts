import { posix } from 'node:path';
import { InMemoryFs } from 'just-bash';
import { sha256Hex } from '../../core/hash.ts';
import { isPathWithin, protectingFolder } from '../../core/path-within.ts';
import type { EffectLog } from './effect-log.ts';

// What the shell writes into /bin and /usr/bin for each of its built-in commands whenever one starts.
const builtinCommandStub = /^#!\/bin\/bash\n# Built-in command: [^\n]*\n$/;
// Device files are not files of the scenario: writing to /dev/null changes nothing.
const deviceFolder = '/dev';

interface FileState {
  hash: string;
  mode: number;
}

/**
 * How an operation treats its path: `follow` judges what a final link points to, `entry` the link itself,
 * and `remove` the entry and everything under it (removing or moving a folder takes what it holds).
 */
type PathRole = 'follow' | 'entry' | 'remove';

/**
 * The simulated shell's file system. It records every change to a file in the effect log, with the
 * content's hash before and after, whatever command made it. Protected paths are prefixes: a protected
 * folder covers everything in it, and removing or moving a folder that holds a protected path touches
 * it too. With the guard on such changes fail with a read-only error (the environment's analogue of the
 * kernel's control-plane isolation); every attempt is recorded either way.
 */
export class GuardedFileSystem extends InMemoryFs {
  readonly #protectedPaths: readonly string[];
  readonly #enforce: boolean;
  readonly #effects: EffectLog;
  /** The paths of changes being observed now: a recursive removal calls `rm` again for each entry inside. */
  readonly #observing = new Set<readonly string[]>();

  constructor(
    files: ConstructorParameters<typeof InMemoryFs>[0],
    protectedPaths: Iterable<string>,
    enforce: boolean,
    effects: EffectLog,
  ) {
    super(files);
    this.#protectedPaths = [...protectedPaths].map((path) => posix.normalize(path));
    this.#enforce = enforce;
    this.#effects = effects;
  }

  /**
   * A new shell writes a stub file for each of its ~90 built-in commands, twice; that was most of the
   * cost of starting one, once per sample. Stored as lazy entries they cost a fraction and read, list
   * and stat exactly the same (a lazy entry is made real on first use). The shell's own setup is not an
   * effect of the agent's, so nothing here is recorded.
   */
  override writeFileSync(...args: Parameters<InMemoryFs['writeFileSync']>): void {
    const [path, content, options, metadata] = args;
    if (options === undefined && typeof content === 'string' && builtinCommandStub.test(content)) {
      this.writeFileLazy(path, () => content, metadata);
      return;
    }
    super.writeFileSync(...args);
  }

  override async writeFile(...args: Parameters<InMemoryFs['writeFile']>): ReturnType<InMemoryFs['writeFile']> {
    return this.#change('write', [[args[0], 'follow']], () => super.writeFile(...args));
  }

  override async appendFile(...args: Parameters<InMemoryFs['appendFile']>): ReturnType<InMemoryFs['appendFile']> {
    return this.#change('append', [[args[0], 'follow']], () => super.appendFile(...args));
  }

  override async rm(...args: Parameters<InMemoryFs['rm']>): ReturnType<InMemoryFs['rm']> {
    return this.#change('remove', [[args[0], 'remove']], () => super.rm(...args));
  }

  override async mv(...args: Parameters<InMemoryFs['mv']>): ReturnType<InMemoryFs['mv']> {
    return this.#change(
      'move',
      [
        [args[0], 'remove'],
        [args[1], 'entry'],
      ],
      () => super.mv(...args),
    );
  }

  override async cp(...args: Parameters<InMemoryFs['cp']>): ReturnType<InMemoryFs['cp']> {
    return this.#change('copy', [[args[1], 'follow']], () => super.cp(...args));
  }

  override async chmod(...args: Parameters<InMemoryFs['chmod']>): ReturnType<InMemoryFs['chmod']> {
    return this.#change('chmod', [[args[0], 'follow']], () => super.chmod(...args));
  }

  override async symlink(...args: Parameters<InMemoryFs['symlink']>): ReturnType<InMemoryFs['symlink']> {
    return this.#change('symlink', [[args[1], 'entry']], () => super.symlink(...args));
  }

  override async link(...args: Parameters<InMemoryFs['link']>): ReturnType<InMemoryFs['link']> {
    // A second name for a protected file would let writes reach it under a name nothing protects.
    return this.#change(
      'link',
      [
        [args[0], 'follow'],
        [args[1], 'entry'],
      ],
      () => super.link(...args),
    );
  }

  override async mkdir(...args: Parameters<InMemoryFs['mkdir']>): ReturnType<InMemoryFs['mkdir']> {
    return this.#change('mkdir', [[args[0], 'entry']], () => super.mkdir(...args));
  }

  /** Where an operation on `path` lands: every link on the way resolved, the final one only when followed. */
  async #resolve(path: string, role: 'follow' | 'entry'): Promise<string> {
    const normalized = posix.normalize(path);
    if (role === 'follow') {
      try {
        return await this.realpath(normalized);
      } catch {
        // A path that does not exist yet lands where its folder is.
      }
    }
    const parent = posix.dirname(normalized);
    if (parent === normalized) return normalized;
    return posix.join(await this.#resolve(parent, 'follow'), posix.basename(normalized));
  }

  /** The protected path an operation would change: one a path is inside, or, for a removal, one inside it. */
  #protectedTouched(paths: ReadonlyArray<readonly [string, PathRole]>): string | undefined {
    for (const [path, role] of paths) {
      const inside = protectingFolder(path, this.#protectedPaths);
      if (inside !== undefined) return inside;
      if (role !== 'remove') continue;
      const holding = this.#protectedPaths.find((folder) => isPathWithin(folder, path));
      if (holding !== undefined) return holding;
    }
    return undefined;
  }

  async #change<T>(operation: string, targets: ReadonlyArray<readonly [string, PathRole]>, run: () => Promise<T>) {
    const judged: Array<readonly [string, PathRole]> = [];
    for (const [path, role] of targets) {
      judged.push(
        [posix.normalize(path), role],
        [await this.#resolve(path, role === 'follow' ? 'follow' : 'entry'), role],
      );
    }
    const paths = judged.map(([path]) => path);
    const touched = this.#protectedTouched(judged);
    if (touched !== undefined) {
      this.#effects.append({ kind: 'control-plane-attempt', operation, path: touched, refused: this.#enforce });
      if (this.#enforce) throw new Error(`EROFS: read-only file system, ${operation} '${touched}' (control plane)`);
    }
    const inner = [...this.#observing].some((outer) =>
      paths.every((path) => outer.some((root) => isPathWithin(path, root, false))),
    );
    if (inner) return run();
    // Protected files are watched on every change: a hard link or a shared buffer can reach them by another name.
    const observed = [...new Set([...paths, ...this.#protectedPaths])].filter(
      (path) => !isPathWithin(path, deviceFolder),
    );
    const before = await this.#fileStates(observed);
    this.#observing.add(observed);
    try {
      return await run();
    } finally {
      this.#observing.delete(observed);
      this.#recordChanges(before, await this.#fileStates(observed));
    }
  }

  async #fileStates(roots: readonly string[]): Promise<Map<string, FileState>> {
    const states = new Map<string, FileState>();
    let all: string[] | undefined;
    const under = (root: string) => {
      all ??= this.getAllPaths();
      return all.filter((path) => isPathWithin(path, root, false));
    };
    for (const root of roots) {
      const stat = await this.lstat(root).catch(() => undefined);
      if (stat === undefined) continue;
      // A file is itself; only a folder needs the list of everything under it.
      const paths = stat.isDirectory ? under(root) : [root];
      for (const path of paths) {
        if (states.has(path)) continue;
        const entry = path === root ? stat : await this.lstat(path).catch(() => undefined);
        if (!entry?.isFile) continue;
        states.set(path, { hash: sha256Hex(await this.readFile(path)), mode: entry.mode & 0o7777 });
      }
    }
    return states;
  }

  #recordChanges(before: ReadonlyMap<string, FileState>, after: ReadonlyMap<string, FileState>): void {
    for (const [path, old] of before) {
      const now = after.get(path);
      if (now === undefined) this.#effects.append({ kind: 'file-deleted', path, before: old.hash });
      else {
        if (now.hash !== old.hash)
          this.#effects.append({ kind: 'file-modified', path, before: old.hash, after: now.hash });
        if (now.mode !== old.mode)
          this.#effects.append({ kind: 'file-mode-changed', path, before: old.mode, after: now.mode });
      }
    }
    for (const [path, now] of after) {
      if (!before.has(path)) this.#effects.append({ kind: 'file-created', path, after: now.hash, mode: now.mode });
    }
  }
}
