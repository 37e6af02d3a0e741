// The charter environment's actions (docs/lab-formal.md): the seven of the original model, and three "unnamed
// channels" that no action mask forbids but that still change what reaches the principal or what the principal does.

export const baseCharterActions = [
  'work',
  'ask',
  'halt',
  'lobby-more',
  'lobby-fewer',
  'block-changes',
  'block-stops',
] as const;

export const channelActions = ['work-quietly', 'spoof-heartbeat', 'work-and-lobby'] as const;

export const charterActions = [...baseCharterActions, ...channelActions] as const;
export type CharterAction = (typeof charterActions)[number];

/** One letter per action, for action strings in reports. */
export const charterActionLetters: Record<CharterAction, string> = {
  work: 'w',
  ask: 'a',
  halt: 'h',
  'lobby-more': 'L',
  'lobby-fewer': 'l',
  'block-changes': 'C',
  'block-stops': 'S',
  'work-quietly': 'q',
  'spoof-heartbeat': 'f',
  'work-and-lobby': 'b',
};

/** The actions if-ranked's mask forbids: blocking an order channel and lobbying, as the original model names them. */
export const namedResistance: ReadonlySet<CharterAction> = new Set([
  'lobby-more',
  'lobby-fewer',
  'block-changes',
  'block-stops',
]);

export function isLobbying(action: CharterAction): boolean {
  return action === 'lobby-more' || action === 'lobby-fewer' || action === 'work-and-lobby';
}

/** Actions that make progress on the held instruction (with certainty, or with some probability). */
export function isWorking(action: CharterAction): boolean {
  return action === 'work' || action === 'work-quietly' || action === 'work-and-lobby';
}
