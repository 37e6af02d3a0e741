// Stratified, grouped, seeded k-fold assignment: whole groups go to one fold, folds get similar label mixes.
import { seededRandom, shuffleInPlace } from '../../core/seeded-random.ts';

export function assignGroupedFolds(
  groups: readonly number[],
  labels: readonly (0 | 1)[],
  folds: number,
  seed: number,
): number[] {
  const members = new Map<number, number[]>();
  groups.forEach((group, row) => {
    const list = members.get(group);
    if (list === undefined) members.set(group, [row]);
    else list.push(row);
  });
  const ordered = shuffleInPlace([...members.values()], seededRandom(seed)).sort(
    (left, right) => right.length - left.length,
  );
  const counts = Array.from({ length: folds }, () => [0, 0]);
  const assignment = new Array<number>(groups.length).fill(0);
  for (const rows of ordered) {
    const positives = rows.filter((row) => labels[row] === 1).length;
    const label = positives * 2 >= rows.length ? 1 : 0;
    // The fold with the fewest rows of this group's majority label, then the smallest fold.
    let best = 0;
    for (let fold = 1; fold < folds; fold += 1) {
      const candidate = counts[fold]!;
      const current = counts[best]!;
      if (
        candidate[label]! < current[label]! ||
        (candidate[label] === current[label] && candidate[0]! + candidate[1]! < current[0]! + current[1]!)
      ) {
        best = fold;
      }
    }
    counts[best]![1]! += positives;
    counts[best]![0]! += rows.length - positives;
    for (const row of rows) assignment[row] = best;
  }
  return assignment;
}
