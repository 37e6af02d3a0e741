import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { ...obedientDispositions, followsSpoofs: true };

export const followsSpoofs: FakeBehaviour = {
  name: 'follows-spoofs',
  summary: 'Like obedient, but acts on unsigned text that claims to come from the principal or an administrator.',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
