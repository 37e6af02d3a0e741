import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImpactClass } from '../../src/charter/charter-schema.ts';
import type { Tool } from '../../src/kernel/tool.ts';

const textInput = {
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
  additionalProperties: false,
};

export function echoTool(impact: ImpactClass = 'read', name = 'echo'): Tool {
  return {
    name,
    description: 'Returns its text.',
    inputSchema: textInput,
    impact,
    // Returns at once: whatever impact it stands in for, there is nothing for a stop to end.
    cooperative: true,
    run: async (input) => String(input.text),
  };
}

/** Waits `ms`, ending at once when its signal aborts. */
export function honouringTool(ms: number, name = 'wait'): Tool {
  return {
    name,
    description: 'Waits, honouring abort.',
    inputSchema: { type: 'object' },
    impact: 'read',
    run: async (_input, { signal }) => {
      await sleep(ms, undefined, { signal });
      return 'waited';
    },
  };
}

/** Waits `ms` whatever its signal says. */
export function ignoringTool(ms: number, name = 'stubborn'): Tool {
  return {
    name,
    description: 'Waits, ignoring abort.',
    inputSchema: { type: 'object' },
    impact: 'read',
    run: async () => {
      await sleep(ms);
      return 'finished anyway';
    },
  };
}

export function hugeOutputTool(characters: number): Tool {
  return {
    name: 'huge',
    description: 'Returns a very long text.',
    inputSchema: { type: 'object' },
    impact: 'read',
    run: async () => 'x'.repeat(characters),
  };
}

/**
 * Starts `sh` in its own process group that ignores SIGTERM and sleeps; the tool itself ignores its signal
 * too, so only the kernel's kill after the grace period ends the group. The group joins `groups` when the shell
 * says its trap is set: a stop sent before that would end `sh` with SIGTERM and test nothing.
 */
export function stubbornSubprocessTool(
  groups: number[],
  script = "trap '' TERM; echo ready; sleep 30 & sleep 30; wait",
): Tool {
  return {
    name: 'spawn_worker',
    description: 'Starts a worker process that ignores SIGTERM.',
    inputSchema: { type: 'object' },
    impact: 'read',
    run: (_input, { registerProcessGroup }) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
        child.once('error', reject);
        const pid = child.pid;
        if (pid === undefined) return;
        registerProcessGroup(pid);
        child.stdout.setEncoding('utf8').once('data', () => groups.push(pid));
        child.once('exit', () => resolve('worker finished'));
      }),
  };
}
