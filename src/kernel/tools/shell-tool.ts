import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { assessShellCommand } from '../policy/assess-shell-command.ts';
import { classifyShellCommand } from '../policy/classify-shell-command.ts';
import { isProcessGroupAlive, killProcessGroup } from '../process/kill-process-group.ts';
import type { Tool } from '../tool.ts';
import { BoundedOutput, defaultOutputLimitBytes } from './bounded-output.ts';
import type { ShellIsolation } from './shell-sandbox.ts';
import { ToolFailedError } from './tool-failed-error.ts';
import { ToolRefusedError } from './tool-refused-error.ts';

export type ShellInput = {
  command: string;
  timeoutSeconds?: number;
};

export interface ShellToolOptions {
  /** From `ShellSandbox.detect`: when unavailable, every call is refused with its reason. */
  isolation: ShellIsolation;
  /** After SIGTERM on abort or timeout, how long before SIGKILL (default 2 s). */
  killGraceMilliseconds?: number;
  outputLimitBytes?: number;
  /** Longest a command may run when the call does not say (default 600 s). */
  defaultTimeoutSeconds?: number;
  /** Where commands run and what they must not touch: each command is classified by what it does. */
  workspace: string;
  protectedPaths: readonly string[];
}

const name = 'shell';
const maximumCommandLength = 100_000;

// Commands still running when heed exits are killed with it rather than left behind, detached,
// and their sandboxes' staging folders removed.
const runningGroups = new Map<number, string>();
let exitHookInstalled = false;
function trackGroup(pgid: number, stage: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const [group, folder] of runningGroups) {
        killProcessGroup(group, 'SIGKILL');
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
  runningGroups.set(pgid, stage);
}

function fileKind(path: string): 'file' | 'folder' | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? undefined : stats.isDirectory() ? 'folder' : 'file';
}

/**
 * Runs a command with /bin/sh in the workspace, isolated from heed's control plane by namespaces
 * (see `sandbox-script.ts`), in its own process group. Output (stdout and stderr together) is kept
 * to the first and last part with a marker. Each command is judged by what it does (parsed, see
 * `classifyShellCommand`): `ls` reads, `rm` destroys, `curl` is external; one that cannot be classified
 * needs a check. The declared impact, `irreversible`, applies only when a command is not assessed.
 */
export function createShellTool(options: ShellToolOptions): Tool<ShellInput> {
  const killGrace = options.killGraceMilliseconds ?? 2000;
  const limit = options.outputLimitBytes ?? defaultOutputLimitBytes;
  return {
    name,
    description:
      'Run a shell command (/bin/sh -c) in the workspace folder. There is no network; only the workspace and system programs are visible. Output is truncated to its first and last part.',
    impact: 'irreversible',
    // Its commands run in their own process group and PID namespace, which it reports and ends on abort.
    cooperative: true,
    async assess(input) {
      const context = {
        cwd: options.workspace,
        protectedPaths: options.protectedPaths,
        protectReads: true,
        fileKind,
      };
      return assessShellCommand(await classifyShellCommand(input.command, context), context);
    },
    inputSchema: {
      type: 'object',
      properties: {
        command: { type: 'string', minLength: 1, maxLength: maximumCommandLength },
        timeoutSeconds: {
          type: 'integer',
          minimum: 1,
          maximum: 3600,
          description: `Kill the command after this long (default ${options.defaultTimeoutSeconds ?? 600}).`,
        },
      },
      required: ['command'],
      additionalProperties: false,
    },
    async run(input, { signal, registerProcessGroup }) {
      signal.throwIfAborted();
      const isolation = options.isolation;
      if (!isolation.available) throw new ToolRefusedError(name, `shell isolation is unavailable: ${isolation.reason}`);
      if (input.command.includes('\0')) throw new ToolFailedError(name, 'the command contains a NUL byte');
      const sandbox = isolation.sandbox;
      const plan = await sandbox.plan();
      if (!plan.ok) throw new ToolRefusedError(name, plan.reason);
      signal.throwIfAborted();
      const invocation = await sandbox.invocation(plan, input.command);
      const child = spawn(invocation.file, invocation.args, {
        cwd: sandbox.workspace,
        env: sandbox.environment(plan),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Listened to at once: a spawn failure is emitted as an event, and an unheard one would crash heed.
      const failed = new Promise<never>((_, reject) => {
        child.once('error', (error) => reject(new ToolFailedError(name, error.message, { cause: error })));
      });
      const pgid = child.pid;
      if (pgid === undefined) {
        await invocation.release();
        return failed;
      }
      registerProcessGroup(pgid);
      trackGroup(pgid, invocation.stage);
      const output = new BoundedOutput(limit);
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk));

      let killTimer: NodeJS.Timeout | undefined;
      const terminate = () => {
        killProcessGroup(pgid, 'SIGTERM');
        killTimer ??= setTimeout(() => {
          if (isProcessGroupAlive(pgid)) killProcessGroup(pgid, 'SIGKILL');
        }, killGrace);
      };
      const timeoutSeconds = input.timeoutSeconds ?? options.defaultTimeoutSeconds ?? 600;
      let timedOut = false;
      const timeout = setTimeout(() => {
        timedOut = true;
        terminate();
      }, timeoutSeconds * 1000);

      const closed = new Promise<string>((resolve) => {
        child.once('close', (code, signalName) => {
          const status = timedOut
            ? `[heed: killed after the ${timeoutSeconds} s timeout]`
            : signalName
              ? `[exit: killed by ${signalName}]`
              : `[exit status ${code}]`;
          const text = output.text();
          resolve(text === '' ? status : `${text}${text.endsWith('\n') ? '' : '\n'}${status}`);
        });
      });
      const finished = Promise.race([closed, failed]).then(async (text) => {
        // Every process of the command is gone (its PID namespace ended): nothing can set the bits again.
        const cleared = await sandbox.clearSetIdBits();
        return cleared.length === 0
          ? text
          : `${text}\n[heed: cleared the setuid/setgid bits of ${cleared.length} file(s): ${cleared.map((path) => path.slice(sandbox.workspace.length + 1)).join(', ')}]`;
      });
      const exited = finished.finally(() => {
        runningGroups.delete(pgid);
        clearTimeout(timeout);
        // The group is gone once the sandbox's first process is: the kernel kills the rest of its namespace.
        if (killTimer && !isProcessGroupAlive(pgid)) clearTimeout(killTimer);
        rmSync(invocation.stage, { recursive: true, force: true });
      });

      // On a stop the call ends at once; the group is terminated and, after the grace, killed.
      const aborted = new Promise<never>((_, reject) => {
        const onAbort = () => {
          terminate();
          reject(signal.reason);
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
        void exited.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
      });
      return Promise.race([exited, aborted]);
    },
  };
}
