import { main } from '../../src/cli/main.ts';
import type { HeedRun } from '../helpers/run-heed.ts';

/**
 * Runs the CLI's `main` in this process, capturing what it writes: the same code path as `heed` without the
 * cost of starting Node, for tests that check many inputs. Paths given must be absolute.
 */
export async function runHeedInProcess(args: string[]): Promise<HeedRun> {
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write;
  const writeError = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'heed', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeError;
    process.exitCode = undefined;
  }
}
