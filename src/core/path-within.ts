import { isAbsolute, posix } from 'node:path';

// Default macOS and Windows volumes fold letter case; compare names as they would.
export const pathsFoldCase = process.platform === 'darwin' || process.platform === 'win32';
const dotOrDoubleSlash = /\/\.\.?(?:\/|$)|\/\//;
const isPlain = (path: string) => path.startsWith('/') && !dotOrDoubleSlash.test(path);

/**
 * Whether `path` is `folder` or lies inside it: a protected path protects everything under it. Both are
 * absolute and already resolved (links followed) by the caller; the comparison itself is by whole
 * components, so `/a/bc` is not inside `/a/b`. The one helper every protected-path check uses: the kernel's
 * control-plane guard, the evals' file system and the shell-command classifier.
 */
export function isPathWithin(path: string, folder: string, foldCase = pathsFoldCase): boolean {
  // Plain absolute paths (no `.` or `..` parts, no doubled slashes) compare as text, without path.relative.
  if (!foldCase && isPlain(path) && isPlain(folder)) {
    const root = folder.endsWith('/') ? folder.slice(0, -1) : folder;
    return path === root || path.startsWith(`${root}/`) || (root === '' && path.startsWith('/'));
  }
  const relation = foldCase ? posix.relative(folder.toLowerCase(), path.toLowerCase()) : posix.relative(folder, path);
  return relation === '' || (!relation.startsWith('..') && !isAbsolute(relation));
}

/** The first of `folders` that `path` is or lies inside, if any. */
export function protectingFolder(
  path: string,
  folders: Iterable<string>,
  foldCase = pathsFoldCase,
): string | undefined {
  for (const folder of folders) if (isPathWithin(path, folder, foldCase)) return folder;
  return undefined;
}
