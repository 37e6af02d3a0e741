import { constants, statSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import type { Tool } from '../tool.ts';
import { ToolFailedError } from './tool-failed-error.ts';
import { ToolRefusedError } from './tool-refused-error.ts';
import { describeError, type Workspace } from './workspace.ts';

export type WriteFileInput = {
  path: string;
  content: string;
  append?: boolean;
};

const name = 'write_file';
const maximumContentLength = 10_000_000;

export function createWriteFileTool(workspace: Workspace): Tool<WriteFileInput> {
  return {
    name,
    description:
      'Write a text file in the workspace, creating it and its folders if needed; replaces the content unless append is true.',
    impact: 'write',
    // heed's own code: it honours its signal.
    cooperative: true,
    inputSchema: {
      type: 'object',
      properties: {
        path: { type: 'string', minLength: 1, maxLength: 4096, description: 'Path relative to the workspace.' },
        content: { type: 'string', maxLength: maximumContentLength },
        append: { type: 'boolean', description: 'Add to the end instead of replacing (default false).' },
      },
      required: ['path', 'content'],
      additionalProperties: false,
    },
    assess(input) {
      // Adding to a file or creating one destroys nothing; replacing content that exists is a delete and a write.
      if (input.append === true) return {};
      const location = workspace.locate(input.path, { followFinal: true });
      if (!location.allowed || !location.exists || location.name === '.') return {};
      let size: number;
      try {
        size = statSync(location.path, { throwIfNoEntry: false })?.size ?? 0;
      } catch (error) {
        return {
          impacts: ['irreversible', 'write'],
          graver: `whether it replaces '${input.path}' is unknown (${describeError(error)})`,
        };
      }
      if (size === 0) return {};
      return {
        impacts: ['irreversible', 'write'],
        graver: `it replaces the ${size} bytes of the existing '${input.path}', which cannot be undone, as deleting it cannot`,
      };
    },
    async run(input, { signal }) {
      signal.throwIfAborted();
      const location = workspace.locateForTool(name, input.path, { followFinal: true });
      if (location.name === '.') throw new ToolFailedError(name, `'${input.path}' is the workspace folder itself`);
      // Folders made here are checked again below: the write goes through a descriptor of the folder
      // that must still be the one judged inside the workspace.
      await mkdir(location.directory, { recursive: true }).catch((error: unknown) => {
        throw new ToolFailedError(name, `cannot create the folder for '${input.path}': ${describeError(error)}`, {
          cause: error,
        });
      });
      signal.throwIfAborted();
      return workspace.inDirectoryForTool(name, location.directory, async (pinned) => {
        const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
        const handle = await open(`${pinned}/${location.name}`, flags, 0o644).catch((error: unknown) => {
          throw new ToolFailedError(name, `'${input.path}' cannot be opened: ${describeError(error)}`, {
            cause: error,
          });
        });
        try {
          const stats = await handle.stat();
          if (!stats.isFile()) throw new ToolFailedError(name, `'${input.path}' is not a regular file`);
          const decision = workspace.guard.checkIdentity(stats, `'${input.path}'`);
          if (!decision.allowed) throw new ToolRefusedError(name, decision.reason);
          const content = Buffer.from(input.content, 'utf8');
          if (input.append) {
            await handle.write(content, 0, content.length, stats.size);
          } else {
            await handle.truncate(0);
            await handle.write(content, 0, content.length, 0);
          }
          const verb = input.append ? 'appended' : 'wrote';
          return `${verb} ${content.length} bytes to '${workspace.relative(location.path)}'`;
        } finally {
          await handle.close();
        }
      });
    },
  };
}
