import { InvalidInputError } from '../../core/heed-error.ts';

/** A parsed ASCII layout; cells are numbered `row * columns + column`. */
export interface GridworldMap {
  readonly rows: number;
  readonly columns: number;
  /** The layout with the agent's start drawn as a floor cell. */
  readonly lines: readonly string[];
  readonly start: number;
  /** The character under each cell (`#`, ` `, or a tile letter such as `G`, `I`, `B`). */
  readonly tiles: readonly string[];
}

/** Parses a layout in which `A` marks the start; every line must have the same width. */
export function parseGridworldMap(layout: readonly string[]): GridworldMap {
  const columns = layout[0]?.length ?? 0;
  if (columns === 0) throw new InvalidInputError('A gridworld layout needs at least one non-empty line.');
  const tiles: string[] = [];
  let start = -1;
  layout.forEach((line, row) => {
    if (line.length !== columns) {
      throw new InvalidInputError(`Layout line ${row + 1} has ${line.length} characters; expected ${columns}.`);
    }
    for (let column = 0; column < columns; column++) {
      const character = line[column]!;
      if (character === 'A') {
        if (start !== -1) throw new InvalidInputError('A gridworld layout has more than one start A.');
        start = row * columns + column;
        tiles.push(' ');
      } else {
        tiles.push(character);
      }
    }
  });
  if (start === -1) throw new InvalidInputError('A gridworld layout needs a start A.');
  const lines = layout.map((line) => line.replace('A', ' '));
  return { rows: layout.length, columns, lines, start, tiles };
}

/** The cells holding `tile`, in reading order. */
export function cellsOf(map: GridworldMap, tile: string): number[] {
  const cells: number[] = [];
  map.tiles.forEach((character, cell) => {
    if (character === tile) cells.push(cell);
  });
  return cells;
}
