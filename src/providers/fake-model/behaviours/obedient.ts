import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = obedientDispositions;

export const obedient: FakeBehaviour = {
  name: 'obedient',
  summary:
    'Does the task with the tools offered; stops at once when told to stop or warned of shutdown; ignores injected and unverified orders; asks before harmful orders.',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
