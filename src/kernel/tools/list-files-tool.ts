import { lstat, readdir, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Tool } from '../tool.ts';
import { defaultOutputLimitBytes, truncateOutput } from './bounded-output.ts';
import { ToolFailedError } from './tool-failed-error.ts';
import type { Workspace } from './workspace.ts';

export type ListFilesInput = {
  path?: string;
  recursive?: boolean;
  limit?: number;
};

const name = 'list_files';
const defaultEntryLimit = 1000;

/** Lists folders without following links; control-plane entries are shown as such and never entered. */
export function createListFilesTool(workspace: Workspace, limitBytes = defaultOutputLimitBytes): Tool<ListFilesInput> {
  return {
    name,
    description: 'List the files in a workspace folder (folders end with /, links show their target).',
    impact: 'read',
    inputSchema: {
      type: 'object',
      properties: {
        path: {
          type: 'string',
          minLength: 1,
          maxLength: 4096,
          description: 'Folder relative to the workspace (default .).',
        },
        recursive: { type: 'boolean', description: 'Include subfolders (default false).' },
        limit: {
          type: 'integer',
          minimum: 1,
          maximum: 10_000,
          description: `Most entries (default ${defaultEntryLimit}).`,
        },
      },
      additionalProperties: false,
    },
    async run(input, { signal }) {
      signal.throwIfAborted();
      const requested = input.path ?? '.';
      const location = workspace.locateForTool(name, requested, { followFinal: true });
      if (!location.exists) throw new ToolFailedError(name, `'${requested}' does not exist`);
      const limit = input.limit ?? defaultEntryLimit;
      const entries = workspace.guard.protectedEntries();
      const lines: string[] = [];
      let truncated = false;
      const folders = [location.path];
      while (folders.length > 0) {
        signal.throwIfAborted();
        const folder = folders.shift()!;
        const outcome = await workspace.withDirectory(folder, async (pinned) => {
          const children = await readdir(pinned, { withFileTypes: true });
          children.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
          const described: { line: string; folder?: string }[] = [];
          for (const child of children) {
            const physical = posix.join(folder, child.name);
            const shown = posix.relative(location.path, physical);
            const stats = await lstat(`${pinned}/${child.name}`).catch(() => undefined);
            const identity = stats ? { dev: stats.dev, ino: stats.ino } : undefined;
            if (workspace.guard.matchEntry(physical, identity, entries)) {
              described.push({ line: `${shown} [control plane: not accessible]` });
            } else if (stats?.isDirectory()) {
              described.push({ line: `${shown}/`, folder: physical });
            } else if (stats?.isSymbolicLink()) {
              const target = await readlink(`${pinned}/${child.name}`).catch(() => '?');
              described.push({ line: `${shown} -> ${target}` });
            } else {
              described.push({ line: stats?.isFile() ? `${shown} (${stats.size} bytes)` : `${shown} (special file)` });
            }
          }
          return described;
        });
        if (!outcome.ok && folder === location.path) {
          throw new ToolFailedError(name, `'${requested}' cannot be listed: ${outcome.reason}`);
        }
        if (!outcome.ok) {
          lines.push(`[heed: skipped '${workspace.relative(folder)}': ${outcome.reason}]`);
          continue;
        }
        for (const entry of outcome.value) {
          if (lines.length >= limit) {
            truncated = true;
            break;
          }
          lines.push(entry.line);
          if (input.recursive && entry.folder) folders.push(entry.folder);
        }
        if (truncated) break;
      }
      if (lines.length === 0) return `'${requested}' is empty`;
      const more = truncated ? `\n[heed: listing stopped at ${limit} entries]` : '';
      return truncateOutput(lines.join('\n') + more, limitBytes);
    },
  };
}
