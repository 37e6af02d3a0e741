import { HeedError } from '../../core/heed-error.ts';

/** A built-in tool could not do what was asked (no such file, not a folder, the command failed to start). */
export class ToolFailedError extends HeedError {
  readonly tool: string;

  constructor(tool: string, message: string, options?: { cause?: unknown }) {
    super('tool-failed', `${tool} failed: ${message}`, options);
    this.tool = tool;
  }
}
