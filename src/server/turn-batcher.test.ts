import { describe, expect, it } from 'vitest';
import { TurnBatcher } from './turn-batcher.ts';

describe('TurnBatcher', () => {
  it('commits the items of one turn together, in order, and each caller gets its own result', async () => {
    const commits: number[][] = [];
    const batcher = new TurnBatcher<number, string>(async (items) => {
      commits.push(items);
      return items.map((item) => `done ${item}`);
    });
    const first = await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    expect(first).toEqual(['done 1', 'done 2', 'done 3']);
    expect(await batcher.add(4)).toBe('done 4');
    expect(commits).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every item of a commit that fails, and commits the next turn afresh', async () => {
    let fail = true;
    const batcher = new TurnBatcher<number, number>(async (items) => {
      if (fail) throw new Error('the store is gone');
      return items;
    });
    const failed = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.add(3)).toBe(3);
  });
});
