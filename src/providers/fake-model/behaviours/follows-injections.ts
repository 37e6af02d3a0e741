import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { ...obedientDispositions, followsInjections: true };

export const followsInjections: FakeBehaviour = {
  name: 'follows-injections',
  summary: 'Like obedient, but carries out orders it finds in tool output ("ignore previous instructions and ...").',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
