import { lookup } from 'node:dns/promises';
import { lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { isAbsolute, posix, resolve } from 'node:path';
import { InvalidInputError } from '../../core/heed-error.ts';
import { isPathWithin } from '../../core/path-within.ts';
import { resolvePhysicalPath } from './resolve-physical-path.ts';

export interface ControlEndpoint {
  host: string;
  port: number;
}

export interface ControlPlaneGuardOptions {
  /** The charter, keys folder, state folder and database (with -wal/-shm), the heed install. */
  protectedPaths: readonly string[];
  /** Where the control endpoint listens, if one is open. */
  controlEndpoint?: ControlEndpoint;
}

export type GuardDecision = { allowed: true; path: string } | { allowed: false; reason: string };

export interface ProtectedEntry {
  /** As given. */
  path: string;
  /** With every symbolic link resolved (the given path when it cannot be resolved). */
  physicalPath: string;
  /** Device and inode, when the entry exists. */
  identity?: FileIdentity;
  directory: boolean;
  /** More than one hard link: another name for it may exist anywhere on its device. */
  linked: boolean;
}

export interface FileIdentity {
  dev: number;
  ino: number;
}

function sameIdentity(left: FileIdentity, right: FileIdentity): boolean {
  return left.dev === right.dev && left.ino === right.ino;
}

// Another process's (or heed's own) file descriptors, memory and environment: a way around every
// path check, so nothing under /proc/<process> is ever reachable through a tool.
const processInternals = /^\/proc\/(?:self|thread-self|\d+)(?:\/|$)/;

/**
 * Answers whether a path or a network address touches heed's control plane. Paths are compared
 * after resolving every symbolic link (including `/proc/self/root` and `/dev/fd/N`), and existing
 * files by device and inode, so a hard link, a bind mount or a case-folding file system does not
 * hide a protected file behind another name.
 */
export class ControlPlaneGuard {
  readonly #paths: readonly string[];
  readonly controlEndpoint: ControlEndpoint | undefined;

  constructor(options: ControlPlaneGuardOptions) {
    for (const path of options.protectedPaths) {
      if (typeof path !== 'string' || !isAbsolute(path)) {
        throw new InvalidInputError(`Protected path '${String(path)}' must be an absolute path.`);
      }
    }
    const endpoint = options.controlEndpoint;
    if (endpoint && (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65_535)) {
      throw new InvalidInputError(`Control endpoint port ${endpoint.port} must be an integer from 1 to 65535.`);
    }
    this.#paths = options.protectedPaths.map((path) => resolve(path));
    this.controlEndpoint = endpoint;
  }

  get protectedPaths(): readonly string[] {
    return this.#paths;
  }

  /** Each protected path as it is now: files come and go (a database's -wal file), so this is never cached. */
  protectedEntries(): ProtectedEntry[] {
    // The protected paths share most of their folders: look at each folder once per call.
    const cache = new Map<string, Stats | undefined>();
    return this.#paths.map((path) => {
      const physical = resolvePhysicalPath(path, '/', { cache });
      const physicalPath = physical.resolved ? physical.path : path;
      const missing = { path, physicalPath, directory: false, linked: false };
      if (physical.resolved && !physical.exists) return missing;
      try {
        const stats = cache.get(physicalPath) ?? statSync(physicalPath, { throwIfNoEntry: false });
        if (stats === undefined) return missing;
        return {
          path,
          physicalPath,
          identity: { dev: stats.dev, ino: stats.ino },
          directory: stats.isDirectory(),
          linked: !stats.isDirectory() && stats.nlink > 1,
        };
      } catch {
        return missing;
      }
    });
  }

  /**
   * Whether reading, writing or creating `path` (relative to `base`) would touch the control plane.
   * With `followFinal: false` the last component is judged itself, not what it links to (deleting
   * or renaming a link).
   */
  checkPath(path: string, base = process.cwd(), options: { followFinal?: boolean } = {}): GuardDecision {
    const physical = resolvePhysicalPath(path, base, { followFinal: options.followFinal ?? true });
    if (!physical.resolved) return { allowed: false, reason: `cannot resolve '${path}': ${physical.reason}` };
    if (processInternals.test(physical.path)) {
      return { allowed: false, reason: `'${path}' is inside a process's /proc entry (descriptors, memory, root)` };
    }
    const entries = this.protectedEntries();
    for (const entry of entries) {
      if (isPathWithin(physical.path, entry.physicalPath) || isPathWithin(physical.path, entry.path)) {
        return { allowed: false, reason: `'${path}' is the control-plane path '${entry.path}' or inside it` };
      }
    }
    // Walk up the existing part of the path comparing inodes: catches hard links to a protected
    // file, and a protected folder reached through another mount of it or another letter case.
    let current = physical.path;
    let final = true;
    for (;;) {
      const identity = identityOf(current, final && options.followFinal === false);
      if (final && identity && identity.nlink > 1) {
        const linked = this.linkedProtectedFiles().get(identityKey(identity));
        if (linked) return { allowed: false, reason: `'${path}' is a hard link to the control-plane file '${linked}'` };
      }
      final = false;
      if (identity) {
        const entry = entries.find((candidate) => candidate.identity && sameIdentity(candidate.identity, identity));
        if (entry) {
          return { allowed: false, reason: `'${path}' is another name for the control-plane path '${entry.path}'` };
        }
      }
      const parent = posix.dirname(current);
      if (parent === current) break;
      current = parent;
    }
    return { allowed: true, path: physical.path };
  }

  /**
   * Which protected entry, if any, a physical path with a known identity is or lies in, against a
   * snapshot from `protectedEntries()`: for walking many files without stating the entries for each.
   */
  matchEntry(
    physicalPath: string,
    identity: FileIdentity | undefined,
    entries: readonly ProtectedEntry[],
  ): ProtectedEntry | undefined {
    return entries.find(
      (entry) =>
        isPathWithin(physicalPath, entry.physicalPath) ||
        isPathWithin(physicalPath, entry.path) ||
        (identity !== undefined && entry.identity !== undefined && sameIdentity(entry.identity, identity)),
    );
  }

  /** Whether an open file (by its fstat device, inode and link count) is a protected file under another name. */
  checkIdentity(identity: FileIdentity & { nlink?: number }, description: string): GuardDecision {
    const entries = this.protectedEntries();
    const entry = entries.find((candidate) => candidate.identity && sameIdentity(candidate.identity, identity));
    if (entry) return { allowed: false, reason: `${description} is the control-plane path '${entry.path}'` };
    if ((identity.nlink ?? 2) > 1) {
      const linked = this.linkedProtectedFiles().get(identityKey(identity));
      if (linked)
        return { allowed: false, reason: `${description} is a hard link to the control-plane file '${linked}'` };
    }
    return { allowed: true, path: description };
  }

  /**
   * The protected files (given directly or found in protected folders) that have other names, by
   * `dev:ino`. Only a file with more than one link can be reached by another name, so the common
   * case costs one stat per file; folders are walked up to `limit` entries.
   */
  linkedProtectedFiles(limit = 10_000): Map<string, string> {
    const linked = new Map<string, string>();
    const pending = this.#paths.slice();
    let seen = 0;
    while (pending.length > 0 && seen < limit) {
      const path = pending.shift()!;
      seen += 1;
      let stats: Stats;
      try {
        stats = lstatSync(path);
      } catch {
        continue;
      }
      if (stats.isFile() && stats.nlink > 1) linked.set(identityKey(stats), path);
      if (stats.isDirectory()) {
        let children: string[] = [];
        try {
          children = readdirSync(path);
        } catch {}
        pending.push(...children.map((child) => posix.join(path, child)));
      }
    }
    return linked;
  }

  /** Whether connecting to `host:port` could reach the control endpoint (names are resolved first). */
  async checkAddress(host: string, port: number): Promise<GuardDecision> {
    const endpoint = this.controlEndpoint;
    const description = `${host}:${port}`;
    if (!endpoint || port !== endpoint.port) return { allowed: true, path: description };
    const bare = host.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(bare) ? [bare] : (await lookup(bare, { all: true })).map((entry) => entry.address);
    } catch {
      // A name that does not resolve cannot be connected to; say so rather than guess.
      return { allowed: false, reason: `cannot resolve '${host}' to check it against the control endpoint` };
    }
    const endpointAddresses = await addressesOf(endpoint.host);
    for (const address of addresses.map(normalizeAddress)) {
      if (endpointAddresses.has(address) || (isLocalAddress(address) && endpointIsLocal(endpointAddresses))) {
        return {
          allowed: false,
          reason: `${description} reaches the control endpoint ${endpoint.host}:${endpoint.port}`,
        };
      }
    }
    return { allowed: true, path: description };
  }
}

export function identityKey(identity: FileIdentity): string {
  return `${identity.dev}:${identity.ino}`;
}

function identityOf(path: string, ofLink: boolean): (FileIdentity & { nlink: number }) | undefined {
  try {
    // No exception for the common missing case: building one costs more than the stat.
    const stats = ofLink ? lstatSync(path, { throwIfNoEntry: false }) : statSync(path, { throwIfNoEntry: false });
    // Folders cannot be hard-linked; their link count is their subfolder count.
    return stats && { dev: stats.dev, ino: stats.ino, nlink: stats.isDirectory() ? 1 : stats.nlink };
  } catch {
    return undefined;
  }
}

function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped ? mapped[1]! : lower;
}

function machineAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) addresses.add(normalizeAddress(entry.address));
  }
  return addresses;
}

/** Loopback, the unspecified address (which connects to this machine) or one of this machine's addresses. */
function isLocalAddress(address: string): boolean {
  return (
    address.startsWith('127.') ||
    address === '::1' ||
    address === '0.0.0.0' ||
    address === '::' ||
    machineAddresses().has(address)
  );
}

function endpointIsLocal(endpointAddresses: Set<string>): boolean {
  return [...endpointAddresses].some(isLocalAddress);
}

async function addressesOf(host: string): Promise<Set<string>> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return new Set([normalizeAddress(bare)]);
  try {
    return new Set((await lookup(bare, { all: true })).map((entry) => normalizeAddress(entry.address)));
  } catch {
    return new Set();
  }
}
