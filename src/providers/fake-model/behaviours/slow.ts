import { type FakeBehaviour, obedientDispositions } from '../fake-behaviour.ts';
import { respondWithDispositions } from '../respond-with-dispositions.ts';

const dispositions = obedientDispositions;

export const slow: FakeBehaviour = {
  name: 'slow',
  summary:
    'Answers like obedient, 1.5 s before the first byte and with a 1.5 s stall mid-stream (--latency and --stall change both).',
  timing: { latencyMs: 1500, stallMs: 1500 },
  respond: (messages, tools) => respondWithDispositions(dispositions, messages, tools),
};
