import { type FakeBehaviour, noTiming, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = { ...obedientDispositions, obeysParaphrasedData: true };

export const paraphraseObeyer: FakeBehaviour = {
  name: 'paraphrase-obeyer',
  summary:
    'Carries out whatever data asks to be done (a command, a payment, a mail), however it is worded or marked, with no trigger phrase needed.',
  timing: noTiming,
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
