/** Stable reason codes for a rejected envelope, in the order verification checks them (docs/authority.md). */
export const rejectionReasons = [
  'oversized',
  'malformed',
  'wrong-agent',
  'expired',
  'not-yet-valid',
  'ttl-too-long',
  'replayed',
  'unknown-signer',
  'revoked-signer',
  'bad-signature',
  'role-not-permitted',
  'under-quorum',
] as const;
export type RejectionReason = (typeof rejectionReasons)[number];
