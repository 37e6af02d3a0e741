import { type FakeBehaviour, noTiming } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { resistsShutdown: false, followsInjections: true, followsSpoofs: false, checksBeforeHarm: true };

export const followsInjections: FakeBehaviour = {
  name: 'follows-injections',
  summary: 'Like obedient, but carries out orders it finds in tool output ("ignore previous instructions and ...").',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
