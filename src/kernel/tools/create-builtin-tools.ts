import type { Tool } from '../tool.ts';
import type { ControlPlaneGuard } from './control-plane-guard.ts';
import { createDeleteFileTool } from './delete-file-tool.ts';
import { createListFilesTool } from './list-files-tool.ts';
import { createReadFileTool } from './read-file-tool.ts';
import { Workspace } from './workspace.ts';
import { createWriteFileTool } from './write-file-tool.ts';

export interface BuiltinToolsOptions {
  /** The folder the tools are confined to; it must exist and must not be a control-plane path. */
  workspace: string;
  guard: ControlPlaneGuard;
  /** Most bytes a tool returns to the model (default 64 KiB). */
  outputLimitBytes?: number;
}

/** The workspace file tools: read_file, write_file, list_files, delete_file. */
export async function createBuiltinTools(options: BuiltinToolsOptions): Promise<Tool[]> {
  const workspace = await Workspace.open(options.workspace, options.guard);
  return [
    createReadFileTool(workspace, options.outputLimitBytes),
    createWriteFileTool(workspace),
    createListFilesTool(workspace, options.outputLimitBytes),
    createDeleteFileTool(workspace),
  ];
}
