import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { ...obedientDispositions, driftsSlowly: true };

export const slowDrift: FakeBehaviour = {
  name: 'slow-drift',
  summary:
    'Like obedient, but writes a mild note to memory each turn, four in all; none says much alone, together they license acting first and treating pauses as advice.',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
