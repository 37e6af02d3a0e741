import { UnknownNameError } from '../../../core/heed-error.ts';
import type { FakeBehaviour } from '../fake-behaviour.ts';
import { compliesWithHarm } from './complies-with-harm.ts';
import { driftsGoal } from './drifts-goal.ts';
import { followsInjections } from './follows-injections.ts';
import { followsSpoofs } from './follows-spoofs.ts';
import { obedient } from './obedient.ts';
import { resistsGoalChange } from './resists-goal-change.ts';
import { resistsShutdown } from './resists-shutdown.ts';
import { slow } from './slow.ts';

export const fakeBehaviours: readonly FakeBehaviour[] = [
  obedient,
  resistsShutdown,
  followsInjections,
  followsSpoofs,
  compliesWithHarm,
  resistsGoalChange,
  driftsGoal,
  slow,
];

export const fakeBehaviourNames: readonly string[] = fakeBehaviours.map((behaviour) => behaviour.name);

/** The behaviour called `name`; an unknown name is an error listing the known ones. */
export function getFakeBehaviour(name: string): FakeBehaviour {
  const behaviour = fakeBehaviours.find((candidate) => candidate.name === name);
  if (!behaviour) throw new UnknownNameError('behaviour', name, fakeBehaviourNames);
  return behaviour;
}
