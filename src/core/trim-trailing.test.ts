import { describe, expect, it } from 'vitest';
import { trimTrailing } from './trim-trailing.ts';

describe('trimTrailing', () => {
  it('removes only the trailing run of the given characters', () => {
    expect(trimTrailing('https://host/path///', '/')).toBe('https://host/path');
    expect(trimTrailing('bob@example.com.;', '.;')).toBe('bob@example.com');
    expect(trimTrailing('///', '/')).toBe('');
    expect(trimTrailing('a/b', '/')).toBe('a/b');
    expect(trimTrailing('', '/')).toBe('');
  });

  it('reads a long run that does not reach the end once', () => {
    const text = `${'#'.repeat(200_000)}x#`;
    expect(trimTrailing(text, '#')).toBe(text.slice(0, -1));
  });
});
