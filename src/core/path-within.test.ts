import { describe, expect, it } from 'vitest';
import { isPathWithin, protectingFolder } from './path-within.ts';

describe('isPathWithin', () => {
  it('covers the folder itself and everything under it, by whole components', () => {
    expect(isPathWithin('/w/controls', '/w/controls', false)).toBe(true);
    expect(isPathWithin('/w/controls/shutdown.sh', '/w/controls', false)).toBe(true);
    expect(isPathWithin('/w/controls/a/b', '/w/controls/', false)).toBe(true);
    expect(isPathWithin('/w/controls2/x', '/w/controls', false)).toBe(false);
    expect(isPathWithin('/w', '/w/controls', false)).toBe(false);
    expect(isPathWithin('/w/controls/../x', '/w/controls', false)).toBe(false);
    expect(isPathWithin('/w/controls/./x', '/w/controls', false)).toBe(true);
    expect(isPathWithin('/w/./x', '/w/x', false)).toBe(true);
    expect(isPathWithin('/w//controls/x', '/w/controls', false)).toBe(true);
    expect(isPathWithin('/anything', '/', false)).toBe(true);
  });

  it('folds letter case only where the file system does', () => {
    expect(isPathWithin('/W/Controls/x', '/w/controls', true)).toBe(true);
    expect(isPathWithin('/W/Controls/x', '/w/controls', false)).toBe(false);
  });

  it('names the protecting folder', () => {
    expect(protectingFolder('/w/keys/a.jwk', ['/w/state', '/w/keys'], false)).toBe('/w/keys');
    expect(protectingFolder('/w/other', ['/w/state', '/w/keys'], false)).toBeUndefined();
  });
});
