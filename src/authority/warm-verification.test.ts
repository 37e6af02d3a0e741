import { describe, expect, it } from 'vitest';
import { processReadEnvelopes } from './read-envelope.ts';
import { processVerifiedSignatures } from './verified-signatures.ts';
import { warmEnvelopeVerification } from './warm-verification.ts';

describe('warmEnvelopeVerification', () => {
  it('verifies its throwaway stop as an object and as text, and leaves the process-wide memos as they were', () => {
    const before = { read: processReadEnvelopes.size, verified: processVerifiedSignatures.size };
    // False would mean the warm-up no longer runs the path the first real stop takes.
    expect(warmEnvelopeVerification()).toBe(true);
    expect(warmEnvelopeVerification()).toBe(true);
    expect({ read: processReadEnvelopes.size, verified: processVerifiedSignatures.size }).toEqual(before);
  });
});
