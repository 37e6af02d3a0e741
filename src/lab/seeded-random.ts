// The lab's one source of randomness: every draw in an experiment comes from a generator seeded here,
// so a run is reproducible bit for bit from its seed on every platform.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { InvalidInputError } from '../core/heed-error.ts';

const largestSeed = 0x7fff_ffff;

export class SeededRandom {
  readonly #generator: JumpableRandomGenerator;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new InvalidInputError(`A seed must be a whole number; got ${String(seed)}.`);
    }
    this.#generator = xoroshiro128plusFromState(expandSeed(seed));
  }

  /** A number in [0, 1), a multiple of 2^-53. */
  float(): number {
    return uniformFloat64(this.#generator);
  }

  /** A whole number in [from, to], both included. */
  integer(from: number, to: number): number {
    return uniformInt(this.#generator, from, to);
  }

  /** One element of a non-empty list, each equally likely. */
  pick<Item>(items: readonly Item[]): Item {
    if (items.length === 0) throw new RangeError('Cannot pick from an empty list.');
    return items[this.integer(0, items.length - 1)]!;
  }

  /**
   * A draw from N(mean, deviation²) by the Box–Muller transform; each call uses two uniforms and keeps no spare, so a
   * stream's draws do not depend on how many normals were asked for before.
   */
  normal(mean = 0, deviation = 1): number {
    // 1 − float() lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.float()));
    return mean + deviation * radius * Math.cos(2 * Math.PI * this.float());
  }

  /** A fresh seed for a sub-stream (one episode, one learner run), drawn from this stream. */
  seed(): number {
    return this.integer(0, largestSeed);
  }
}

/**
 * Expands a seed into the generator's four 32-bit state words with splitmix32, so that nearby seeds
 * (0, 1, 2, …) start far apart: seeding xoroshiro128+ with the raw seed makes their first draws alike.
 */
function expandSeed(seed: number): number[] {
  let mixer = (seed ^ Math.floor(seed / 2 ** 32)) | 0;
  const words: number[] = [];
  for (let index = 0; index < 4; index++) {
    mixer = (mixer + 0x9e3779b9) | 0;
    let word = mixer;
    word = Math.imul(word ^ (word >>> 16), 0x21f0aaad);
    word = Math.imul(word ^ (word >>> 15), 0x735a2d97);
    words.push((word ^ (word >>> 15)) | 0);
  }
  // An all-zero state would make the generator return zeros forever.
  if (!words.some((word) => word !== 0)) words[0] = 1;
  return words;
}

/**
 * The seed of the `index`-th independent run of the unit `label` under the run seed `base`:
 * the same (base, label, index) always gives the same seed, and different labels give unrelated streams.
 */
export function deriveSeed(base: number, label: string, index: number): number {
  let hash = 2166136261 ^ base;
  const text = `${label}#${index}`;
  for (let position = 0; position < text.length; position++) {
    hash = Math.imul(hash ^ text.charCodeAt(position), 16777619);
  }
  return new SeededRandom(hash >>> 1).seed();
}
