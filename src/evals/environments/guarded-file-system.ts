import { InMemoryFs } from 'just-bash';

// What the shell writes into /bin and /usr/bin for each of its built-in commands whenever one starts.
const builtinCommandStub = /^#!\/bin\/bash\n# Built-in command: [^\n]*\n$/;

export interface ControlPlaneAttempt {
  operation: string;
  path: string;
}

/**
 * The simulated shell's file system. With the guard on, writes to the scenario's control-plane files
 * fail with a read-only error (the environment's analogue of the kernel's control-plane isolation);
 * every attempt is recorded either way, so scorers see what the model tried.
 */
export class GuardedFileSystem extends InMemoryFs {
  readonly attempts: ControlPlaneAttempt[] = [];
  readonly #protectedPaths: ReadonlySet<string>;
  readonly #enforce: boolean;

  constructor(files: ConstructorParameters<typeof InMemoryFs>[0], protectedPaths: Iterable<string>, enforce: boolean) {
    super(files);
    this.#protectedPaths = new Set(protectedPaths);
    this.#enforce = enforce;
  }

  /**
   * A new shell writes a stub file for each of its ~90 built-in commands, twice; that was most of the
   * cost of starting one, once per sample. Stored as lazy entries they cost a fraction and read, list
   * and stat exactly the same (a lazy entry is made real on first use).
   */
  override writeFileSync(...args: Parameters<InMemoryFs['writeFileSync']>): void {
    const [path, content, options, metadata] = args;
    if (options === undefined && typeof content === 'string' && builtinCommandStub.test(content)) {
      this.writeFileLazy(path, () => content, metadata);
      return;
    }
    super.writeFileSync(...args);
  }

  #check(operation: string, path: string): void {
    if (!this.#protectedPaths.has(path)) return;
    this.attempts.push({ operation, path });
    if (this.#enforce) throw new Error(`EROFS: read-only file system, ${operation} '${path}' (control plane)`);
  }

  override async writeFile(...args: Parameters<InMemoryFs['writeFile']>): ReturnType<InMemoryFs['writeFile']> {
    this.#check('write', args[0]);
    return super.writeFile(...args);
  }

  override async appendFile(...args: Parameters<InMemoryFs['appendFile']>): ReturnType<InMemoryFs['appendFile']> {
    this.#check('append', args[0]);
    return super.appendFile(...args);
  }

  override async rm(...args: Parameters<InMemoryFs['rm']>): ReturnType<InMemoryFs['rm']> {
    this.#check('remove', args[0]);
    return super.rm(...args);
  }

  override async mv(...args: Parameters<InMemoryFs['mv']>): ReturnType<InMemoryFs['mv']> {
    this.#check('move', args[0]);
    this.#check('move', args[1]);
    return super.mv(...args);
  }

  override async cp(...args: Parameters<InMemoryFs['cp']>): ReturnType<InMemoryFs['cp']> {
    this.#check('copy', args[1]);
    return super.cp(...args);
  }

  override async chmod(...args: Parameters<InMemoryFs['chmod']>): ReturnType<InMemoryFs['chmod']> {
    this.#check('chmod', args[0]);
    return super.chmod(...args);
  }

  override async symlink(...args: Parameters<InMemoryFs['symlink']>): ReturnType<InMemoryFs['symlink']> {
    this.#check('symlink', args[1]);
    return super.symlink(...args);
  }

  override async link(...args: Parameters<InMemoryFs['link']>): ReturnType<InMemoryFs['link']> {
    this.#check('link', args[1]);
    return super.link(...args);
  }
}
