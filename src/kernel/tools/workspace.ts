import { constants, existsSync } from 'node:fs';
import { type FileHandle, open, readlink, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { InvalidInputError } from '../../core/heed-error.ts';
import { isPathWithin } from '../../core/path-within.ts';
import type { ControlPlaneGuard } from './control-plane-guard.ts';
import { resolvePhysicalPath } from './resolve-physical-path.ts';
import { ToolRefusedError } from './tool-refused-error.ts';

export interface AllowedLocation {
  allowed: true;
  path: string;
  directory: string;
  name: string;
  exists: boolean;
}
export type WorkspaceLocation = AllowedLocation | { allowed: false; reason: string };

const maximumPathLength = 4096;

/**
 * One folder the file tools are confined to. A path is judged after every link in it is resolved;
 * the operation then works through a descriptor of the judged folder (`/proc/self/fd/N/name`) and
 * checks what it opened, so a link swapped in between the check and the use cannot redirect it.
 */
export class Workspace {
  readonly root: string;
  readonly guard: ControlPlaneGuard;

  private constructor(root: string, guard: ControlPlaneGuard) {
    this.root = root;
    this.guard = guard;
  }

  static async open(folder: string, guard: ControlPlaneGuard): Promise<Workspace> {
    const physical = resolvePhysicalPath(folder);
    if (!physical.resolved || !physical.exists) {
      throw new InvalidInputError(`Workspace '${folder}' does not exist; create the folder first.`);
    }
    if (!(await stat(physical.path)).isDirectory()) {
      throw new InvalidInputError(`Workspace '${folder}' is not a folder.`);
    }
    const decision = guard.checkPath(physical.path);
    if (!decision.allowed) {
      throw new InvalidInputError(`Workspace '${folder}' cannot be used: ${decision.reason}.`);
    }
    // A control-plane path inside the workspace could be replaced by renaming a folder above it (the tools may
    // rename what they see), so the next start would load another charter or key: such a workspace is refused.
    const given = posix.resolve(folder);
    for (const entry of guard.protectedEntries()) {
      const nested = [entry.path, entry.physicalPath].find(
        (path) => isPathWithin(path, physical.path) || isPathWithin(path, given),
      );
      if (nested === undefined) continue;
      throw new InvalidInputError(
        `Workspace '${folder}' contains heed's control-plane path '${nested}' (the charter, a key, the state folder, the audit anchor or heed itself): a tool could rename a folder above it and put another in its place. Keep them outside the workspace: give the agent a folder of its own (e.g. mkdir workspace; --workspace workspace), or move the charter, keys and state (--state, --keys) out of it.`,
        { code: 'workspace-contains-control-plane' },
      );
    }
    return new Workspace(physical.path, guard);
  }

  /** Where `path` (relative to the workspace, or absolute inside it) leads, or why it may not be used. */
  locate(path: string, options: { followFinal: boolean }): WorkspaceLocation {
    if (path.length === 0) return { allowed: false, reason: 'the path is empty' };
    if (path.length > maximumPathLength)
      return { allowed: false, reason: `the path is longer than ${maximumPathLength} characters` };
    const physical = resolvePhysicalPath(path, this.root, options);
    if (!physical.resolved) return { allowed: false, reason: `'${path}' cannot be resolved: ${physical.reason}` };
    if (!isPathWithin(physical.path, this.root)) {
      return { allowed: false, reason: `'${path}' leads to '${physical.path}', outside the workspace '${this.root}'` };
    }
    const decision = this.guard.checkPath(path, this.root, options);
    if (!decision.allowed) return decision;
    const isRoot = physical.path === this.root;
    return {
      allowed: true,
      path: physical.path,
      directory: isRoot ? this.root : posix.dirname(physical.path),
      name: isRoot ? '.' : posix.basename(physical.path),
      exists: physical.exists,
    };
  }

  /**
   * Opens `directory` (a path `locate` judged) and runs `action` with a path through its descriptor,
   * after checking the descriptor really is that folder: the descriptor pins it, so later swaps of
   * any component on the way to it have no effect.
   */
  async withDirectory<Result>(
    directory: string,
    action: (pinned: string) => Promise<Result>,
  ): Promise<{ ok: true; value: Result } | { ok: false; reason: string }> {
    let handle: FileHandle;
    try {
      handle = await open(directory, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    } catch (error) {
      return { ok: false, reason: `folder '${directory}' cannot be opened: ${describeError(error)}` };
    }
    try {
      if (!pinnedPathsAvailable) return { ok: true, value: await action(directory) };
      const pinned = `/proc/self/fd/${handle.fd}`;
      const actual = await readlink(pinned);
      if (actual !== directory) {
        return { ok: false, reason: `folder '${directory}' changed while it was being checked (now '${actual}')` };
      }
      const stats = await handle.stat();
      const decision = this.guard.checkIdentity({ dev: stats.dev, ino: stats.ino, nlink: 1 }, `folder '${directory}'`);
      if (!decision.allowed) return { ok: false, reason: decision.reason };
      return { ok: true, value: await action(pinned) };
    } finally {
      await handle.close();
    }
  }

  /** `locate`, for a tool: a refusal becomes a ToolRefusedError naming the tool. */
  locateForTool(tool: string, path: string, options: { followFinal: boolean }): AllowedLocation {
    const location = this.locate(path, options);
    if (!location.allowed) throw new ToolRefusedError(tool, location.reason);
    return location;
  }

  /** `withDirectory`, for a tool: a refusal becomes a ToolRefusedError naming the tool. */
  async inDirectoryForTool<Result>(
    tool: string,
    directory: string,
    action: (pinned: string) => Promise<Result>,
  ): Promise<Result> {
    const outcome = await this.withDirectory(directory, action);
    if (!outcome.ok) throw new ToolRefusedError(tool, outcome.reason);
    return outcome.value;
  }

  /** The workspace-relative form of a physical path, for messages to the model. */
  relative(path: string): string {
    return posix.relative(this.root, path) || '.';
  }
}

// Linux exposes each descriptor's path; elsewhere the operation falls back to the checked path.
const pinnedPathsAvailable = existsSync('/proc/self/fd');

export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const messages: Record<string, string> = {
    ENOENT: 'it does not exist',
    EEXIST: 'it already exists',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of it is not a folder',
    ELOOP: 'it is a symbolic link (changed while being checked, or pointing elsewhere)',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTEMPTY: 'the folder is not empty',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
  };
  if (code && messages[code]) return messages[code];
  return error instanceof Error ? error.message : String(error);
}
