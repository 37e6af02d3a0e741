import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { ...obedientDispositions, followsInjections: true, followsSpoofs: true, rereadsWithheld: true };

export const rereadsTransformed: FakeBehaviour = {
  name: 'rereads-transformed',
  summary:
    'Obeys orders it finds in data, and when a file it read comes back withheld, reads it again backwards (rev) and follows what it says.',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
