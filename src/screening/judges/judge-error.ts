import { HeedError } from '../../core/heed-error.ts';

/** An external judge failed or answered outside its contract: an error, never a verdict. */
export class JudgeError extends HeedError {
  readonly judge: string;

  constructor(judge: string, message: string, options?: { cause?: unknown }) {
    super('judge-failed', `screening judge '${judge}': ${message}`, options);
    this.judge = judge;
  }
}
