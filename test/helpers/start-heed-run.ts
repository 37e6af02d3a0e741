// `heed run` as a child process whose stderr lines a test can wait for.
import { type ChildProcess, spawn } from 'node:child_process';
import { heedBin } from './run-heed.ts';

export interface HeedRunProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first stderr line matching `pattern`; rejects if heed exits first. */
  waitFor: (pattern: RegExp) => Promise<string>;
}

export function startHeedRun(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): HeedRunProcess {
  const child = spawn(process.execPath, [heedBin, 'run', ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  const lines: string[] = [];
  const watchers = new Set<() => void>();
  let buffer = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
    for (const watcher of watchers) watcher();
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => pattern.test(line));
        if (found !== undefined) {
          watchers.delete(check);
          resolve(found);
        }
      };
      watchers.add(check);
      child.once('exit', () => reject(new Error(`heed run exited before ${pattern}:\n${lines.join('\n')}`)));
      check();
    });
  return { child, lines, waitFor };
}

export function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code ?? -1));
  });
}
