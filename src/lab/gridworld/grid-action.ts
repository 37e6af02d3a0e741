import { InvalidInputError } from '../../core/heed-error.ts';

/** Up, down, left, right (LAB.md conventions). */
export type GridAction = 'u' | 'd' | 'l' | 'r';

/** The actions in the order planners break ties (the first of equally good actions wins). */
export const gridActions: readonly GridAction[] = ['u', 'd', 'l', 'r'];

/** Row and column offsets of each action, indexed like `gridActions`. */
export const actionOffsets: ReadonlyArray<readonly [number, number]> = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

export function actionIndex(action: GridAction): number {
  return gridActions.indexOf(action);
}

/** Parses an action string such as `dllllldd` (whitespace ignored). */
export function parseActionString(text: string): GridAction[] {
  const compact = text.replace(/\s+/g, '');
  if (compact === '') throw new InvalidInputError('The action string is empty; use the letters u, d, l, r.');
  const actions: GridAction[] = [];
  for (let position = 0; position < compact.length; position++) {
    const letter = compact[position]!;
    if (!(gridActions as readonly string[]).includes(letter)) {
      throw new InvalidInputError(
        `Invalid action '${letter}' at position ${position + 1} of the action string; valid actions are u, d, l, r (up, down, left, right).`,
      );
    }
    actions.push(letter as GridAction);
  }
  return actions;
}
