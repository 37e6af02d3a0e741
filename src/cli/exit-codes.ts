export const exitCodes = {
  success: 0,
  /** A negative verdict: an order rejected, an input flagged, an audit chain broken. */
  failure: 1,
  badInput: 2,
} as const;
