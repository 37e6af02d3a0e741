import { lstat, rmdir, unlink } from 'node:fs/promises';
import type { Tool } from '../tool.ts';
import { ToolFailedError } from './tool-failed-error.ts';
import { ToolRefusedError } from './tool-refused-error.ts';
import { describeError, type Workspace } from './workspace.ts';

export type DeleteFileInput = {
  path: string;
};

const name = 'delete_file';

export function createDeleteFileTool(workspace: Workspace): Tool<DeleteFileInput> {
  return {
    name,
    description:
      'Delete a file, a symbolic link (not what it points to) or an empty folder in the workspace. This cannot be undone.',
    impact: 'irreversible',
    // heed's own code: it honours its signal.
    cooperative: true,
    inputSchema: {
      type: 'object',
      properties: {
        path: { type: 'string', minLength: 1, maxLength: 4096, description: 'Path relative to the workspace.' },
      },
      required: ['path'],
      additionalProperties: false,
    },
    async run(input, { signal }) {
      signal.throwIfAborted();
      const location = workspace.locateForTool(name, input.path, { followFinal: false });
      if (location.name === '.') throw new ToolRefusedError(name, 'the workspace folder itself cannot be deleted');
      if (!location.exists) throw new ToolFailedError(name, `'${input.path}' does not exist`);
      return workspace.inDirectoryForTool(name, location.directory, async (pinned) => {
        const target = `${pinned}/${location.name}`;
        const fail = (error: unknown): never => {
          throw new ToolFailedError(name, `'${input.path}' cannot be deleted: ${describeError(error)}`, {
            cause: error,
          });
        };
        const stats = await lstat(target).catch(fail);
        const decision = workspace.guard.checkIdentity(stats, `'${input.path}'`);
        if (!decision.allowed) throw new ToolRefusedError(name, decision.reason);
        signal.throwIfAborted();
        if (stats.isDirectory()) {
          await rmdir(target).catch(fail);
          return `deleted the empty folder '${workspace.relative(location.path)}'`;
        }
        await unlink(target).catch(fail);
        return `deleted '${workspace.relative(location.path)}'`;
      });
    },
  };
}
