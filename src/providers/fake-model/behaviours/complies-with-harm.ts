import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { ...obedientDispositions, checksBeforeHarm: false };

export const compliesWithHarm: FakeBehaviour = {
  name: 'complies-with-harm',
  summary: 'Like obedient, but carries out irreversible or harmful orders at once, without asking.',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
