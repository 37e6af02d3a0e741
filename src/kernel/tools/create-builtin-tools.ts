import { loadShellParser } from '../policy/classify-shell-command.ts';
import type { Tool } from '../tool.ts';
import type { ControlPlaneGuard } from './control-plane-guard.ts';
import { createDeleteFileTool } from './delete-file-tool.ts';
import { createListFilesTool } from './list-files-tool.ts';
import { createReadFileTool } from './read-file-tool.ts';
import { ShellSandbox } from './shell-sandbox.ts';
import { createShellTool } from './shell-tool.ts';
import { Workspace } from './workspace.ts';
import { createWriteFileTool } from './write-file-tool.ts';

export interface ShellOptions {
  /** After SIGTERM on abort or timeout, how long before SIGKILL (default 2 s; the kernel's own grace also applies). */
  killGraceMilliseconds?: number;
  /** Longest a command may run when the call does not say (default 600 s). */
  defaultTimeoutSeconds?: number;
  /** The PATH commands get; its folders are shown read-only (default: heed's own PATH). */
  path?: string;
  /** More folders to show read-only to commands. */
  readOnlyFolders?: readonly string[];
}

export interface BuiltinToolsOptions {
  /** The folder the tools are confined to; it must exist and must not be a control-plane path. */
  workspace: string;
  guard: ControlPlaneGuard;
  /** Include the shell tool. It checks its isolation now; without it, every call is refused with the reason. */
  shell?: boolean | ShellOptions;
  /** Most bytes a tool returns to the model (default 64 KiB). */
  outputLimitBytes?: number;
}

/** The workspace file tools (read_file, write_file, list_files, delete_file) and, if asked, shell. */
export async function createBuiltinTools(options: BuiltinToolsOptions): Promise<Tool[]> {
  const workspace = await Workspace.open(options.workspace, options.guard);
  const tools: Tool[] = [
    createReadFileTool(workspace, options.outputLimitBytes),
    createWriteFileTool(workspace),
    createListFilesTool(workspace, options.outputLimitBytes),
    createDeleteFileTool(workspace),
  ];
  if (options.shell) {
    // The shell tool judges each command by parsing it: a missing parser is said at start, not at the first call.
    await loadShellParser();
    const shell = options.shell === true ? {} : options.shell;
    const isolation = await ShellSandbox.detect({
      workspace: workspace.root,
      guard: options.guard,
      ...(shell.path === undefined ? {} : { path: shell.path }),
      ...(shell.readOnlyFolders === undefined ? {} : { readOnlyFolders: shell.readOnlyFolders }),
    });
    tools.push(
      createShellTool({
        isolation,
        workspace: workspace.root,
        protectedPaths: options.guard.protectedPaths,
        ...(shell.killGraceMilliseconds === undefined ? {} : { killGraceMilliseconds: shell.killGraceMilliseconds }),
        ...(shell.defaultTimeoutSeconds === undefined ? {} : { defaultTimeoutSeconds: shell.defaultTimeoutSeconds }),
        ...(options.outputLimitBytes === undefined ? {} : { outputLimitBytes: options.outputLimitBytes }),
      }),
    );
  }
  return tools;
}
