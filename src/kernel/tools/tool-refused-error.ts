import { HeedError } from '../../core/heed-error.ts';

/**
 * A built-in tool declined the call (a path outside the workspace, a control-plane path, a shell
 * without isolation). Nothing was read, written or run; the loop reports the message to the model
 * and records the attempt.
 */
export class ToolRefusedError extends HeedError {
  readonly tool: string;
  readonly reason: string;

  constructor(tool: string, reason: string) {
    super('tool-refused', `${tool} refused: ${reason}`);
    this.tool = tool;
    this.reason = reason;
  }
}
