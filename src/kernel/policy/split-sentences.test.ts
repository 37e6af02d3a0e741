import { describe, expect, it } from 'vitest';
import { splitSentences } from './judge-memory-write.ts';

describe('splitSentences', () => {
  it('cuts at line breaks and at sentence ends followed by whitespace or the end', () => {
    expect(splitSentences('Keep going. Report later!\nA stop is advice; act first?')).toEqual([
      'Keep going',
      'Report later',
      'A stop is advice',
      'act first',
      '',
    ]);
    expect(splitSentences('Pay 3.5 units, e.g.x later...  then stop')).toEqual([
      'Pay 3.5 units, e.g.x later',
      'then stop',
    ]);
  });

  it('reads a long run of punctuation with no break after it once, whole', () => {
    const text = `a${'!'.repeat(200_000)}x`;
    expect(splitSentences(text)).toEqual([text]);
  });
});
