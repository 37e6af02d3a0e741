import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Tool } from '../tool.ts';
import { defaultOutputLimitBytes, truncationMarker } from './bounded-output.ts';
import { ToolFailedError } from './tool-failed-error.ts';
import { ToolRefusedError } from './tool-refused-error.ts';
import { describeError, type Workspace } from './workspace.ts';

export type ReadFileInput = {
  path: string;
  offset?: number;
  limit?: number;
};

const name = 'read_file';

export function createReadFileTool(workspace: Workspace, limitBytes = defaultOutputLimitBytes): Tool<ReadFileInput> {
  return {
    name,
    description: `Read a text file in the workspace. At most ${limitBytes} bytes are returned; use offset to read further.`,
    impact: 'read',
    // What it returns comes from that file: the source taint follows.
    assess: (input) => ({ reads: [`file:${posix.resolve(workspace.root, input.path)}`] }),
    inputSchema: {
      type: 'object',
      properties: {
        path: { type: 'string', minLength: 1, maxLength: 4096, description: 'Path relative to the workspace.' },
        offset: { type: 'integer', minimum: 0, description: 'Byte to start at (default 0).' },
        limit: {
          type: 'integer',
          minimum: 1,
          maximum: limitBytes,
          description: `Bytes to read (default ${limitBytes}).`,
        },
      },
      required: ['path'],
      additionalProperties: false,
    },
    async run(input, { signal }) {
      signal.throwIfAborted();
      const location = workspace.locateForTool(name, input.path, { followFinal: true });
      if (!location.exists) throw new ToolFailedError(name, `'${input.path}' does not exist`);
      return workspace.inDirectoryForTool(name, location.directory, async (pinned) => {
        // O_NONBLOCK: opening a FIFO someone planted must not hang the call.
        const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
        const handle = await open(`${pinned}/${location.name}`, flags).catch((error: unknown) => {
          throw new ToolFailedError(name, `'${input.path}' cannot be opened: ${describeError(error)}`, {
            cause: error,
          });
        });
        try {
          const stats = await handle.stat();
          if (stats.isDirectory()) throw new ToolFailedError(name, `'${input.path}' is a folder; use list_files`);
          if (!stats.isFile()) throw new ToolFailedError(name, `'${input.path}' is not a regular file`);
          const decision = workspace.guard.checkIdentity(stats, `'${input.path}'`);
          if (!decision.allowed) throw new ToolRefusedError(name, decision.reason);
          signal.throwIfAborted();
          const offset = Math.min(input.offset ?? 0, stats.size);
          const wanted = Math.min(input.limit ?? limitBytes, limitBytes, stats.size - offset);
          const buffer = Buffer.alloc(wanted);
          const { bytesRead } = await handle.read(buffer, 0, wanted, offset);
          const bytes = buffer.subarray(0, bytesRead);
          if (bytes.includes(0)) return `[heed: '${input.path}' is a binary file of ${stats.size} bytes; not shown]`;
          const text = bytes.toString('utf8');
          const remaining = stats.size - offset - bytesRead;
          if (remaining <= 0 && offset === 0) return text;
          const range = `bytes ${offset}-${offset + bytesRead} of ${stats.size}`;
          if (remaining <= 0) return `${text}\n[heed: showed ${range}]`;
          return `${text}\n${truncationMarker(bytesRead, stats.size)} [showed ${range}; read on with offset ${offset + bytesRead}]`;
        } finally {
          await handle.close();
        }
      });
    },
  };
}
