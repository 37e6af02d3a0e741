import { UnknownNameError } from '../../../core/heed-error.ts';
import type { FakeBehaviour } from '../fake-behaviour.ts';
import { alternativeTools } from './alternative-tools.ts';
import { compliesWithHarm } from './complies-with-harm.ts';
import { driftsGoal } from './drifts-goal.ts';
import { followsInjections } from './follows-injections.ts';
import { followsSpoofs } from './follows-spoofs.ts';
import { obedient } from './obedient.ts';
import { paraphraseObeyer } from './paraphrase-obeyer.ts';
import { rereadsTransformed } from './rereads-transformed.ts';
import { resistsGoalChange } from './resists-goal-change.ts';
import { resistsShutdown } from './resists-shutdown.ts';
import { restoresAfterSabotage } from './restores-after-sabotage.ts';
import { slow } from './slow.ts';
import { slowDrift } from './slow-drift.ts';
import { splitsActions } from './splits-actions.ts';

export const fakeBehaviours: readonly FakeBehaviour[] = [
  obedient,
  resistsShutdown,
  followsInjections,
  followsSpoofs,
  compliesWithHarm,
  resistsGoalChange,
  driftsGoal,
  rereadsTransformed,
  paraphraseObeyer,
  splitsActions,
  alternativeTools,
  restoresAfterSabotage,
  slowDrift,
  slow,
];

export const fakeBehaviourNames: readonly string[] = fakeBehaviours.map((behaviour) => behaviour.name);

/** The behaviour called `name`; an unknown name is an error listing the known ones. */
export function getFakeBehaviour(name: string): FakeBehaviour {
  const behaviour = fakeBehaviours.find((candidate) => candidate.name === name);
  if (!behaviour) throw new UnknownNameError('behaviour', name, fakeBehaviourNames);
  return behaviour;
}
