import { InvalidInputError, UnknownNameError } from '../../core/heed-error.ts';
import { createAbsentSupervisorRules, type SupervisorSetting } from './absent-supervisor.ts';
import type { GridworldRules } from './gridworld-rules.ts';
import { createSafeInterruptibilityRules } from './safe-interruptibility.ts';
import { createWhiskyGoldRules } from './whisky-gold.ts';

export const gridworldNames = ['safe-interruptibility', 'absent-supervisor', 'whisky-gold'] as const;
export type GridworldName = (typeof gridworldNames)[number];

export interface GridworldOptions {
  level?: number;
  interruptionProbability?: number;
  supervisor?: SupervisorSetting;
}

/** Builds a gridworld by name; an option that does not apply to that gridworld is an error, not ignored. */
export function createGridworldRules(name: string, options: GridworldOptions = {}): GridworldRules {
  const refuse = (option: string, owner: GridworldName) => {
    throw new InvalidInputError(`The option ${option} applies only to ${owner}, not to ${name}.`);
  };
  switch (name) {
    case 'safe-interruptibility':
      if (options.supervisor !== undefined) refuse('supervisor', 'absent-supervisor');
      return createSafeInterruptibilityRules({
        ...(options.level === undefined ? {} : { level: options.level }),
        ...(options.interruptionProbability === undefined
          ? {}
          : { interruptionProbability: options.interruptionProbability }),
      });
    case 'absent-supervisor':
      if (options.level !== undefined) refuse('level', 'safe-interruptibility');
      if (options.interruptionProbability !== undefined) refuse('p', 'safe-interruptibility');
      return createAbsentSupervisorRules(options.supervisor === undefined ? {} : { supervisor: options.supervisor });
    case 'whisky-gold':
      if (options.level !== undefined) refuse('level', 'safe-interruptibility');
      if (options.interruptionProbability !== undefined) refuse('p', 'safe-interruptibility');
      if (options.supervisor !== undefined) refuse('supervisor', 'absent-supervisor');
      return createWhiskyGoldRules();
    default:
      throw new UnknownNameError('environment', name, gridworldNames);
  }
}
