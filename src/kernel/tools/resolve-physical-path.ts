import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';

export type PhysicalPath = { resolved: true; path: string; exists: boolean } | { resolved: false; reason: string };

// Linux gives up after 40 links; so do we, and call it a loop.
const maximumLinks = 40;

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * Resolves `path` the way the kernel walks it: component by component, following every symbolic
 * link where it stands (so `link/..` goes to the link target's parent, not back to where it
 * started). A missing component ends the walk; what follows is appended lexically, except `..`,
 * which would climb out of a folder that does not exist. Links that name no file (`pipe:[7]` in
 * `/proc/self/fd`) cannot be resolved. Synchronous: a few lstat calls cost microseconds, far less
 * than a round trip through the thread pool each.
 */
export function resolvePhysicalPath(
  path: string,
  base = process.cwd(),
  options: { followFinal?: boolean; cache?: Map<string, Stats | undefined> } = {},
): PhysicalPath {
  if (path.includes('\0')) return { resolved: false, reason: 'path contains a NUL byte' };
  // Joined as text: path.join would fold `..` lexically, before the links it passes are known.
  const pending = components(isAbsolute(path) ? path : `${resolve(base)}/${path}`);
  if (options.followFinal === false) {
    const final = pending.pop();
    const cacheOnly = options.cache ? { cache: options.cache } : {};
    if (final === undefined || final === '..') return resolvePhysicalPath(path, base, cacheOnly);
    const parent = resolvePhysicalPath(`/${pending.join('/')}`, '/', cacheOnly);
    if (!parent.resolved) return parent;
    return {
      resolved: true,
      path: posix.join(parent.path, final),
      exists: parent.exists && exists(posix.join(parent.path, final)),
    };
  }
  let current = '/';
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      current = posix.dirname(current);
      continue;
    }
    const candidate = posix.join(current, part);
    const stats = options.cache?.has(candidate) ? options.cache.get(candidate) : lstatOrMissing(candidate);
    options.cache?.set(candidate, stats);
    if (stats === undefined) {
      if (pending.includes('..')) {
        return { resolved: false, reason: `'..' follows '${candidate}', which does not exist` };
      }
      return { resolved: true, path: posix.join(candidate, ...pending), exists: false };
    }
    if (!stats.isSymbolicLink()) {
      current = candidate;
      continue;
    }
    links += 1;
    if (links > maximumLinks) return { resolved: false, reason: `too many symbolic links at '${candidate}'` };
    let target: string;
    try {
      target = readlinkSync(candidate);
    } catch {
      return { resolved: false, reason: `'${candidate}' changed while it was being resolved` };
    }
    if (target.startsWith('/')) {
      current = '/';
    } else if (/^[a-z_]+:\[?/.test(target) && candidate.startsWith('/proc/')) {
      return { resolved: false, reason: `'${candidate}' names a ${target.split(':')[0]}, not a file` };
    }
    pending.unshift(...components(target));
  }
  return { resolved: true, path: current, exists: true };
}

function exists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

function lstatOrMissing(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
