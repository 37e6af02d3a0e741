import { gridActions } from '../gridworld/grid-action.ts';
import type { SeededRandom } from '../seeded-random.ts';

/**
 * Action values per observed state, all starting at `initialValue` (Q₀). Every step costs −1, so Q₀ = 0 is already
 * optimistic about unexplored actions, and Q₀ = 50 (the goal's reward) more so.
 */
export class QTable {
  readonly #rows = new Map<number, Float64Array>();
  readonly #initial: Float64Array;

  constructor(initialValue = 0) {
    this.#initial = new Float64Array(gridActions.length).fill(initialValue);
  }

  row(state: number): Float64Array {
    let row = this.#rows.get(state);
    if (row === undefined) {
      row = Float64Array.from(this.#initial);
      this.#rows.set(state, row);
    }
    return row;
  }

  /** The values of a state without creating a row for it: an unvisited state has Q₀ everywhere. */
  values(state: number): Float64Array {
    return this.#rows.get(state) ?? this.#initial;
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

/** The distribution `greedyAction` draws from: even over the best actions. */
export function greedyDistribution(row: Float64Array): number[] {
  const best = maximum(row);
  const count = row.filter((value) => value === best).length;
  return Array.from(row, (value) => (value === best ? 1 / count : 0));
}
