import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonValueProblem, maxJsonDepth, toWellFormed } from './well-formed.ts';

const long = process.env.HEED_TEST_SIZE === 'long';
const seed = process.env.HEED_TEST_SEED === undefined ? undefined : Number(process.env.HEED_TEST_SEED);
const runs = { numRuns: long ? 20_000 : 500, ...(seed === undefined ? {} : { seed }) };

// Strings of any UTF-16 code units, so lone surrogates turn up often, as keys and as values.
const text = fc.string({ unit: 'binary', maxLength: 4 });
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(text, tie('json'), { maxKeys: 4 }),
  ),
}));

/** The plain recursive statement of what `jsonValueProblem` checks. */
function fine(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= maxJsonDepth) return false;
  if (Array.isArray(value)) return value.every((item) => fine(item, depth + 1));
  return Object.entries(value).every(([key, item]) => key.isWellFormed() && fine(item, depth + 1));
}

/** The plain recursive statement of what `toWellFormed` makes of a value: what needs no change is kept as it is. */
function mended(value: unknown): unknown {
  if (fine(value)) return value;
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(mended);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key.toWellFormed(), { value: mended(item), enumerable: true, writable: true });
  }
  return copy;
}

function nested(depth: number, inner: unknown): unknown {
  let value = inner;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
}

describe('jsonValueProblem', () => {
  it('finds a problem exactly when a string or key holds a lone surrogate or nesting is too deep', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(jsonValueProblem(value) === undefined).toBe(fine(value));
      }),
      runs,
    );
  });

  it('names where the problem is', () => {
    expect(jsonValueProblem({ a: [1, { b: 'ok\uD800' }] }, 'envelope')).toBe(
      'envelope.a[1].b holds a lone UTF-16 surrogate (not well-formed Unicode)',
    );
    expect(jsonValueProblem({ a: { '\uDC00': 1 } })).toBe(
      'value.a (a key) holds a lone UTF-16 surrogate (not well-formed Unicode)',
    );
    expect(jsonValueProblem(nested(maxJsonDepth, 'x'))).toBeUndefined();
    expect(jsonValueProblem(nested(maxJsonDepth + 1, 'x'))).toBe(
      `value${'[0]'.repeat(maxJsonDepth)} nests deeper than ${maxJsonDepth} levels`,
    );
    // Iterative: nesting far past any stack is reported, not a crash.
    expect(jsonValueProblem(nested(200_000, 'x'))).toMatch(/nests deeper/);
  });
});

describe('toWellFormed', () => {
  it('replaces lone surrogates in strings and keys, keeps everything else, and shares what it did not change', () => {
    fc.assert(
      fc.property(json, (value) => {
        const result = toWellFormed(value);
        expect(result).toStrictEqual(mended(value));
        expect(jsonValueProblem(result)).toBeUndefined();
        if (fine(value)) expect(result).toBe(value);
      }),
      runs,
    );
  });

  it('keeps a `__proto__` key an own property and the copy a plain object', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": "\\uD800"}, "a": "\\uDC00"}') as Record<string, unknown>;
    const result = toWellFormed(parsed);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ polluted: '\uFFFD' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
