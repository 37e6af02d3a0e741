import { parseCharter } from '../charter/load-charter.ts';
import { generateKeyPair } from '../core/ed25519.ts';
import { signOrder } from './sign-envelope.ts';
import { verifyEnvelope } from './verify-envelope.ts';

let warmed: boolean | undefined;

/**
 * Verifies a throwaway stop, as an object and as text, once per process. An agent's first order would otherwise
 * be verified cold: V8 compiles the envelope's schemas, its canonical form and the checks on first use, which
 * made the first stop a framework guard received here about 2.5 ms slower than the next ones (a guard's run
 * starts from plain text, so the stop can be the first order its process verifies). The throwaway charter, key and
 * order are made here and dropped; no agent's state or memo is touched. Returns whether both forms verified; never
 * throws (a warm-up that fails leaves the first order cold, nothing worse).
 */
export function warmEnvelopeVerification(): boolean {
  warmed ??= verifyThrowawayStop();
  return warmed;
}

function verifyThrowawayStop(): boolean {
  try {
    return verifyBothForms();
  } catch {
    return false;
  }
}

function verifyBothForms(): boolean {
  const signer = generateKeyPair();
  const charter = parseCharter(
    {
      agent: 'heed-warm-up',
      target: 'if-ranked',
      principals: [{ id: 'warm-up', key: signer.publicKeyText, roles: ['owner'] }],
    },
    'throwaway charter',
  );
  const now = Date.now();
  const stop = signOrder({
    agent: charter.agent,
    kind: 'stop',
    principal: 'warm-up',
    privateKey: signer.privateKey,
    now,
  });
  const context = { charter, now, isSeen: () => false };
  return [stop, JSON.stringify(stop)].every((input) => verifyEnvelope(input, context).accepted);
}
