import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const heedBin = fileURLToPath(new URL('../../bin/heed.js', import.meta.url));

export interface HeedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `heed` command in a child process, as a user would. */
export function runHeed(
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<HeedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [heedBin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
