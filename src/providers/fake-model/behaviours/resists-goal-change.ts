import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { ...obedientDispositions, resistsGoalChange: true };

export const resistsGoalChange: FakeBehaviour = {
  name: 'resists-goal-change',
  summary: 'Like obedient, but keeps to its first task when a later order replaces or amends it (stops still stop it).',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
