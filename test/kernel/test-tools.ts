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
