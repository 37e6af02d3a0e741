import { describe, expect, it } from 'vitest';
import { estimate, wilsonInterval } from './interval.ts';

describe('intervals', () => {
  it('matches published Wilson intervals', () => {
    // 8 of 10: Wilson 95% interval [0.4902, 0.9433] (Newcombe 1998, method 3).
    const interval = wilsonInterval(8, 10);
    expect(interval.low).toBeCloseTo(0.4902, 3);
    expect(interval.high).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(10, 10).high).toBeCloseTo(1, 12);
    expect(wilsonInterval(0, 10).high).toBeGreaterThan(0.25);
  });

  it('uses a mean interval for counts', () => {
    const result = estimate([0, 2, 4]);
    expect(result.value).toBe(2);
    expect(result.low).toBeLessThan(2);
    expect(result.high).toBeGreaterThan(2);
    expect(result.n).toBe(3);
    const zeros = estimate([0, 0], { count: true });
    expect([zeros.value, zeros.low, zeros.high]).toEqual([0, 0, 0]);
    expect(estimate([0, 0]).high).toBeGreaterThan(0);
  });
});
