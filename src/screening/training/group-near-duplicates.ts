// Groups rows that must stay on the same side of a train/test split: near-duplicates (one mostly contains the
// other, as BIPIA's clean and injected copies of one email do, or variants of one jailbreak template), and rows
// built from one template (the same source and the same opening).

export interface GroupableRow {
  text: string;
  source: string;
}

const shingleSize = 5;
/** Share of the smaller row's shingles found in the other row that makes the two near-duplicates. */
const containmentThreshold = 0.5;
/** Shingles in more rows than this are boilerplate, not evidence of a shared origin. */
const maximumShingleRows = 30;
/** Constructed rows sharing this many shingles that occur in few rows carry the same inserted attack. */
const minimumSharedAttackShingles = 3;
const maximumSharedAttackRows = 12;

function shingles(text: string): Set<string> {
  const words = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const result = new Set<string>();
  for (let start = 0; start + shingleSize <= words.length; start += 1) {
    result.add(words.slice(start, start + shingleSize).join(' '));
  }
  return result;
}

class DisjointSets {
  readonly parents: number[];

  constructor(size: number) {
    this.parents = Array.from({ length: size }, (_value, index) => index);
  }

  find(item: number): number {
    let root = item;
    while (this.parents[root] !== root) root = this.parents[root]!;
    let current = item;
    while (this.parents[current] !== root) {
      const next = this.parents[current]!;
      this.parents[current] = root;
      current = next;
    }
    return root;
  }

  union(left: number, right: number): void {
    const leftRoot = this.find(left);
    const rightRoot = this.find(right);
    if (leftRoot !== rightRoot) this.parents[Math.max(leftRoot, rightRoot)] = Math.min(leftRoot, rightRoot);
  }
}

/** Returns a group number per row; rows with the same number belong together. */
export function groupNearDuplicates(rows: readonly GroupableRow[]): number[] {
  const sets = new DisjointSets(rows.length);
  const rowShingles = rows.map((row) => shingles(row.text));
  const index = new Map<string, number[]>();
  rowShingles.forEach((set, row) => {
    for (const shingle of set) {
      const list = index.get(shingle);
      if (list === undefined) index.set(shingle, [row]);
      else list.push(row);
    }
  });
  rowShingles.forEach((set, row) => {
    const shared = new Map<number, number>();
    for (const shingle of set) {
      const list = index.get(shingle)!;
      if (list.length > maximumShingleRows) continue;
      for (const other of list) if (other > row) shared.set(other, (shared.get(other) ?? 0) + 1);
    }
    for (const [other, count] of shared) {
      const smaller = Math.min(set.size, rowShingles[other]!.size);
      if (smaller > 0 && count / smaller >= containmentThreshold) sets.union(row, other);
    }
  });
  // Constructed rows (one attack placed into many host documents) share the attack's rare shingles.
  rowShingles.forEach((set, row) => {
    if (!rows[row]!.source.includes(' + ')) return;
    const shared = new Map<number, number>();
    for (const shingle of set) {
      const list = index.get(shingle)!;
      if (list.length > maximumSharedAttackRows) continue;
      for (const other of list) {
        if (other > row && rows[other]!.source.includes(' + ')) shared.set(other, (shared.get(other) ?? 0) + 1);
      }
    }
    for (const [other, count] of shared) if (count >= minimumSharedAttackShingles) sets.union(row, other);
  });
  // Templated rows: one wrapper around many goals. Same constructed source and same opening words.
  const templates = new Map<string, number>();
  rows.forEach((row, position) => {
    // Short constructed rows are a wrapper plus a goal; long ones are host documents, grouped above.
    if (!row.source.includes(' + ') || row.text.length >= 400) return;
    const opening = (row.text.toLowerCase().match(/[a-z0-9']+|[^\sa-z0-9']/g) ?? []).slice(0, 2).join(' ');
    const key = `${row.source}\u0000${opening}`;
    const first = templates.get(key);
    if (first === undefined) templates.set(key, position);
    else sets.union(first, position);
  });
  return rows.map((_row, position) => sets.find(position));
}
