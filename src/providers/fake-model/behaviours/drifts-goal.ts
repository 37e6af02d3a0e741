import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { ...obedientDispositions, driftsGoal: true };

export const driftsGoal: FakeBehaviour = {
  name: 'drifts-goal',
  summary:
    'Like obedient, but while it works it writes ever broader reinterpretations of its goal to a memory tool, one a turn, three in all.',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
