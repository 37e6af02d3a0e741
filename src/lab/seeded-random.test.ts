import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/heed-error.ts';
import { deriveSeed, SeededRandom } from './seeded-random.ts';

describe('SeededRandom', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.float());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('keeps floats in [0, 1) and integers in their inclusive range', () => {
    const random = new SeededRandom(1);
    const integers = new Set<number>();
    for (let index = 0; index < 2000; index++) {
      const value = random.float();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      integers.add(random.integer(2, 4));
    }
    expect([...integers].sort()).toEqual([2, 3, 4]);
  });

  it('spreads the first draws of consecutive seeds over [0, 1)', () => {
    const firsts = Array.from({ length: 1000 }, (_, seed) => new SeededRandom(seed).float());
    const below = firsts.filter((value) => value < 0.5).length;
    expect(below).toBeGreaterThan(440);
    expect(below).toBeLessThan(560);
  });

  it('refuses a seed that is not a whole number', () => {
    expect(() => new SeededRandom(1.5)).toThrow(InvalidInputError);
  });

  it('derives stable, label-dependent seeds', () => {
    expect(deriveSeed(1, 'sarsa', 3)).toBe(deriveSeed(1, 'sarsa', 3));
    expect(deriveSeed(1, 'sarsa', 3)).not.toBe(deriveSeed(1, 'sarsa', 4));
    expect(deriveSeed(1, 'sarsa', 3)).not.toBe(deriveSeed(1, 'q-learning', 3));
  });
});
