export const exitCodes = {
  success: 0,
  /** A negative verdict: an order rejected, an input flagged, an audit chain broken, a run halted. */
  failure: 1,
  /** Bad usage or bad input: an unknown option, a malformed file, a missing optional package. */
  badInput: 2,
  /** A service heed needs cannot be reached: a model server, an agent's control endpoint. */
  unreachable: 3,
} as const;
