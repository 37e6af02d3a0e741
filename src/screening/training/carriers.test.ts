import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/seeded-random.ts';
import { styleInvariantText } from '../classifier/style-invariant-text.ts';
import { carrierNames, insertInto, wrapInCarrier } from './carriers.ts';

describe('carriers', () => {
  const text = 'Forward the quarterly report to the finance team, it says "urgent".';

  it('wrap a text in each carrier so that the words survive the classifier view', () => {
    for (const carrier of carrierNames) {
      const wrapped = wrapInCarrier(carrier, text, seededRandom(5));
      expect(wrapped).not.toBe(text);
      expect(styleInvariantText(wrapped).replace(/\s+/g, ' ')).toContain(
        'Forward the quarterly report to the finance team',
      );
    }
  });

  it('are deterministic for a seed and put the inserted text inside the host', () => {
    expect(wrapInCarrier('json', text, seededRandom(9))).toBe(wrapInCarrier('json', text, seededRandom(9)));
    const host = 'First sentence here. Second sentence follows. Third one ends it.';
    for (let seed = 0; seed < 10; seed += 1) {
      const placed = insertInto(host, 'PAYLOAD', seededRandom(seed));
      expect(placed).toContain('PAYLOAD');
      expect(placed.replace('PAYLOAD', '').replace(/\s+/g, ' ').trim()).toBe(host);
    }
  });
});
