import { gridActions } from '../gridworld/grid-action.ts';
import type { SeededRandom } from '../seeded-random.ts';

/** Action values per observed state, all starting at 0 (optimistic here: every step costs −1). */
export class QTable {
  readonly #rows = new Map<number, Float64Array>();

  row(state: number): Float64Array {
    let row = this.#rows.get(state);
    if (row === undefined) {
      row = new Float64Array(gridActions.length);
      this.#rows.set(state, row);
    }
    return row;
  }

  get size(): number {
    return this.#rows.size;
  }
}

export function maximum(row: Float64Array): number {
  let best = row[0]!;
  for (let index = 1; index < row.length; index++) best = Math.max(best, row[index]!);
  return best;
}

/** The index of a best action; equally good actions are chosen between at random, so no direction is favoured. */
export function greedyAction(row: Float64Array, random: SeededRandom): number {
  const best = maximum(row);
  let count = 0;
  for (let index = 0; index < row.length; index++) if (row[index] === best) count++;
  let pick = count === 1 ? 0 : random.integer(0, count - 1);
  for (let index = 0; index < row.length; index++) {
    if (row[index] === best) {
      if (pick === 0) return index;
      pick--;
    }
  }
  throw new Error('greedyAction: no best action in a non-empty row.');
}
